//! What a finding carries about its rectification deadline (整改期限): the
//! date, how it was set, whether it is provisional, and for hazards that
//! stop work the immediate measure taken on site. The rules that compute
//! these values live in `rules::deadline`; this is the data they write.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::code_enum;
use crate::error::{Error, Result};

/// The deadline written on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Deadline {
    /// Stop immediately, with no rectification date: written by builds
    /// before immediate hazards carried a date; still read, never written.
    Immediate,
    /// Rectify by the end of this local date.
    By(NaiveDate),
}

impl Deadline {
    /// Stable text form: `immediate` or `YYYY-MM-DD`.
    pub fn code(&self) -> String {
        match self {
            Deadline::Immediate => "immediate".into(),
            Deadline::By(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Parses the text form produced by [`Deadline::code`].
    pub fn parse(s: &str) -> Result<Self> {
        if s == "immediate" {
            return Ok(Deadline::Immediate);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Deadline::By)
            .map_err(|_| Error::validation("deadline", "neither `immediate` nor a date"))
    }

    /// The date used to sort and filter ("due within N days"); a legacy
    /// immediate deadline falls due on the day it was set.
    pub fn due_date(&self, set_on: NaiveDate) -> NaiveDate {
        match self {
            Deadline::Immediate => set_on,
            Deadline::By(d) => *d,
        }
    }
}

code_enum!(
    /// How a finding's deadline was set.
    #[derive(Default)]
    DeadlineBasis {
        /// From the grade and the region's scheme; recomputed when the grade
        /// changes or the official calendar of its year arrives.
        #[default]
        Computed = ("computed", "按隐患等级计算"),
        /// Set by the inspector with a reason; never recomputed.
        Manual = ("manual", "检查人员指定"),
    }
);

code_enum!(
    /// The on-site measure taken for a hazard that cannot wait (现场处理措施).
    ImmediateMeasure {
        /// 责令停止作业.
        StopWork = ("stop_work", "停止作业"),
        /// 责令从危险区域内撤出作业人员.
        Evacuate = ("evacuate", "撤出作业人员"),
        /// 责令暂时停产停业.
        SuspendProduction = ("suspend_production", "暂时停产停业"),
        /// 责令停止使用相关设施、设备.
        StopUsingEquipment = ("stop_using_equipment", "停止使用相关设施、设备"),
        /// 责令排除危险后方可恢复.
        EliminateDanger = ("eliminate_danger", "立即排除危险"),
    }
);

//! Hazard grade schemes (隐患分级) and their default rectification periods.
//!
//! Regions differ: some grade hazards 一级/二级/三级, others use the legal
//! two-way split 重大/一般, and a region may shorten or lengthen periods. A
//! scheme is therefore data (loadable from TOML, imported by the office per
//! region) with the seed's defaults built in.
//!
//! Grades that stop work (一级, 重大) carry the immediate measure taken on site
//! and still get a rectification date, so "overdue" means something for them.
//! The seed fixes no period for that date: the 30-day default and 90-day limit
//! built in here are this project's assumption, set per region in its file.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How the deadline for a grade is computed from the day a hazard is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum DeadlineRule {
    /// N calendar days, rolled forward to a working day if the last is off.
    CalendarDays(u32),
    /// N working days, counting make-up working days.
    WorkingDays(u32),
}

/// One grade in a scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeDef {
    /// The code written into documents, e.g. `二级` or `重大`.
    pub code: String,
    /// A short explanation shown to inspectors.
    pub meaning: String,
    /// Whether this grade is a major hazard (重大事故隐患): listed supervision,
    /// expert acceptance, reporting to the leading group.
    pub major: bool,
    /// Whether an immediate measure (停止作业, 撤出人员, ...) must be recorded
    /// on site for hazards of this grade.
    #[serde(default)]
    pub immediate_measure: bool,
    /// Default rectification period.
    pub deadline: DeadlineRule,
    /// The longest period an inspector may set by hand; the default period
    /// when absent (the law's "within N days").
    #[serde(default)]
    pub limit: Option<DeadlineRule>,
}

impl GradeDef {
    /// The longest period allowed for this grade.
    pub fn limit(&self) -> DeadlineRule {
        self.limit.unwrap_or(self.deadline)
    }
}

/// A region's grading scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeScheme {
    /// Stable id, e.g. `three-level`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Grades from most to least severe.
    pub grades: Vec<GradeDef>,
}

impl GradeScheme {
    /// 一级/二级/三级 with the defaults of the joint-inspection guidance:
    /// 一级 stop immediately (an immediate measure, rectified within 30 days
    /// by default, at most 90), 二级 15 days, 三级 7 days.
    pub fn three_level() -> Self {
        GradeScheme {
            id: "three-level".into(),
            name: "三级分级".into(),
            grades: vec![
                GradeDef {
                    code: "一级".into(),
                    meaning: "可能导致群死群伤的重大事故隐患，立即停产整改、挂牌督办".into(),
                    major: true,
                    immediate_measure: true,
                    deadline: DeadlineRule::CalendarDays(30),
                    limit: Some(DeadlineRule::CalendarDays(90)),
                },
                GradeDef {
                    code: "二级".into(),
                    meaning: "可能导致人员伤亡或较大财产损失".into(),
                    major: false,
                    immediate_measure: false,
                    deadline: DeadlineRule::CalendarDays(15),
                    limit: None,
                },
                GradeDef {
                    code: "三级".into(),
                    meaning: "可能导致轻微伤害或设备损坏，企业自行整改".into(),
                    major: false,
                    immediate_measure: false,
                    deadline: DeadlineRule::CalendarDays(7),
                    limit: None,
                },
            ],
        }
    }

    /// 重大/一般, the split used by the Work Safety Law.
    pub fn major_general() -> Self {
        GradeScheme {
            id: "major-general".into(),
            name: "重大/一般".into(),
            grades: vec![
                GradeDef {
                    code: "重大".into(),
                    meaning: "重大事故隐患，立即停产整改、挂牌督办".into(),
                    major: true,
                    immediate_measure: true,
                    deadline: DeadlineRule::CalendarDays(30),
                    limit: Some(DeadlineRule::CalendarDays(90)),
                },
                GradeDef {
                    code: "一般".into(),
                    meaning: "一般事故隐患，限期整改".into(),
                    major: false,
                    immediate_measure: false,
                    deadline: DeadlineRule::CalendarDays(7),
                    limit: None,
                },
            ],
        }
    }

    /// Parses a region's scheme from TOML and checks it is usable.
    pub fn from_toml(text: &str) -> Result<Self> {
        let scheme: GradeScheme =
            toml::from_str(text).map_err(|e| Error::Import { path: "<grade scheme>".into(), reason: e.to_string() })?;
        if scheme.grades.is_empty() {
            return Err(Error::validation("grades", "a scheme needs at least one grade"));
        }
        let mut codes: Vec<&str> = scheme.grades.iter().map(|g| g.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.len() != scheme.grades.len() {
            return Err(Error::validation("grades", "grade codes must be unique"));
        }
        Ok(scheme)
    }

    /// The grade with this code, or a validation error naming the allowed codes.
    pub fn grade(&self, code: &str) -> Result<&GradeDef> {
        self.grades.iter().find(|g| g.code == code).ok_or_else(|| {
            let allowed: Vec<&str> = self.grades.iter().map(|g| g.code.as_str()).collect();
            Error::validation("grade", format!("{code:?} is not in scheme {} ({})", self.id, allowed.join("/")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_guidance() {
        let s = GradeScheme::three_level();
        let table = [
            ("一级", DeadlineRule::CalendarDays(30), true),
            ("二级", DeadlineRule::CalendarDays(15), false),
            ("三级", DeadlineRule::CalendarDays(7), false),
        ];
        for (code, rule, major) in table {
            let g = s.grade(code).unwrap();
            assert_eq!((g.deadline, g.major, g.immediate_measure), (rule, major, major), "{code}");
        }
        assert!(s.grade("重大").is_err());
        assert!(GradeScheme::major_general().grade("重大").unwrap().major);
    }

    #[test]
    fn region_scheme_from_toml() {
        let text = r#"
id = "demo-region"
name = "示例地区"
[[grades]]
code = "重大"
meaning = "重大事故隐患"
major = true
immediate_measure = true
deadline = { kind = "calendar_days", days = 30 }
[[grades]]
code = "一般"
meaning = "一般事故隐患"
major = false
deadline = { kind = "working_days", days = 5 }
"#;
        let s = GradeScheme::from_toml(text).unwrap();
        assert_eq!(s.grade("一般").unwrap().deadline, DeadlineRule::WorkingDays(5));
        let dup = text.replace("code = \"一般\"", "code = \"重大\"");
        assert!(GradeScheme::from_toml(&dup).is_err());
    }
}

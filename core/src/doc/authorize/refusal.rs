//! Why a change to an inspection is refused: the rule it breaks, as a
//! stable code (for the wire, metrics and the device's refusal log) and a
//! Chinese sentence a person can act on. Ids and codes only, never names.

use crate::model::code_enum;

code_enum!(
    /// The rules a change can break.
    Rule {
        /// The author is not on the inspection's team (or not its enterprise).
        NotOnTeam = ("not_on_team", "不是本次检查的成员"),
        /// The author's role may not take this action.
        Forbidden = ("forbidden", "无权进行此操作"),
        /// The inspection or a hazard may not move between these states.
        Transition = ("transition", "状态不能这样变更"),
        /// A field fixed when the inspection was created, or a whole
        /// collection, was rewritten.
        Immutable = ("immutable", "不可修改的内容被改写"),
        /// A record was deleted; records are never deleted.
        Deleted = ("deleted", "记录不能删除"),
        /// The record is presented for signature or signed: content is closed.
        NotEditable = ("not_editable", "记录已提交签字，须退回修改后才能编辑"),
        /// The team rule (two officers, one lead, qualifications, departments).
        Team = ("team", "检查组不符合执法检查要求"),
        /// Signatures, refusals and device keys: written once, never changed.
        Signing = ("signing", "签字规则不允许"),
        /// A verdict that does not follow from the reading or the choice.
        Verdict = ("verdict", "检查结论与检查表不符"),
        /// A hazard's grade, deadline or immediate measure.
        Deadline = ("deadline", "隐患等级或整改期限不符合规则"),
        /// A conflict on a legally significant field ended without a resolution.
        Conflict = ("conflict", "冲突未经组长处理即被覆盖"),
        /// A change authored on another device, relayed by this one: only its
        /// own device may send it.
        Relayed = ("foreign_actor", "修改来自其他设备"),
        /// The device's actor register (who a device's changes belong to).
        Actor = ("actor", "设备登记信息不符"),
        /// A value that is missing or malformed.
        Schema = ("schema", "数据格式不正确"),
        /// A change, a text or a document larger than the limits.
        TooLarge = ("too_large", "数据量超出限制"),
        /// A reference to an evidence file the author neither uploaded, nor
        /// is uploading, nor may read: it would grant nothing, or point at nothing.
        Evidence = ("evidence", "引用的证据文件未上传或无权使用"),
    }
);

/// A change refused by [`super::authorize_changes`]: the rule and what broke
/// it (ids, field names and codes only).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}：{detail}", rule.label())]
pub struct Refusal {
    /// The rule broken.
    pub rule: Rule,
    /// What broke it, in Chinese.
    pub detail: String,
    /// The change that broke it (hex hash), when one change did.
    pub change: Option<String>,
}

impl Refusal {
    /// A refusal under `rule`.
    pub fn new(rule: Rule, detail: impl Into<String>) -> Self {
        Refusal { rule, detail: detail.into(), change: None }
    }

    /// The same refusal, naming the change that broke the rule.
    pub fn by(mut self, change: automerge::ChangeHash) -> Self {
        self.change.get_or_insert_with(|| change.to_string());
        self
    }
}

/// Carries a rule check's own error into a refusal under `rule`.
pub(super) fn under<T, E: std::fmt::Display>(rule: Rule, r: Result<T, E>) -> Result<T, Refusal> {
    r.map_err(|e| Refusal::new(rule, e.to_string()))
}

//! Who may do what. The device applies this table before every edit (and
//! can grey out what a user cannot do); `doc::authorize` applies it again to
//! every committed change, on the device and on the server, with the role
//! the server enrolled and the team the document names.

use crate::error::{Error, Result};
use crate::model::code_enum;

code_enum!(
    /// The roles of the system's users.
    Role {
        /// 检查组成员 with enforcement powers.
        Inspector = ("inspector", "检查人员"),
        /// 检查组组长.
        TeamLead = ("team_lead", "检查组组长"),
        /// The enterprise's responsible person or safety manager.
        Enterprise = ("enterprise", "企业"),
        /// 联合检查办公室.
        Office = ("office", "联检办"),
    }
);

code_enum!(
    /// Actions that need a permission check.
    Action {
        /// Create an inspection (from a plan or ad hoc).
        CreateInspection = ("create_inspection", "创建检查"),
        /// Start the on-site inspection.
        StartInspection = ("start_inspection", "开始检查"),
        /// Change team membership and sub-groups.
        ManageTeam = ("manage_team", "分组"),
        /// Record or change checklist responses.
        RecordResponse = ("record_response", "填写检查表"),
        /// Record a new hazard or edit its description, location, evidence.
        RecordFinding = ("record_finding", "记录隐患"),
        /// Change a hazard's grade or deadline.
        GradeFinding = ("grade_finding", "确定隐患等级"),
        /// Write interview records.
        RecordInterview = ("record_interview", "制作询问笔录"),
        /// Resolve a conflict between team members' edits.
        ResolveConflict = ("resolve_conflict", "处理冲突"),
        /// Present findings for signature.
        SubmitForSignature = ("submit_for_signature", "提交签字"),
        /// Take an inspection back from signature for corrections.
        ReopenForEditing = ("reopen_for_editing", "退回修改"),
        /// Mark the record signed (signatures or a complete refusal collected).
        MarkSigned = ("mark_signed", "确认签字"),
        /// Close the inspection record.
        CloseInspection = ("close_inspection", "办结"),
        /// Report rectification started.
        StartRectification = ("start_rectification", "开始整改"),
        /// Submit rectification for re-inspection.
        SubmitRectification = ("submit_rectification", "提交整改"),
        /// Re-inspect: close or reopen a hazard.
        Reinspect = ("reinspect", "复查"),
        /// Close a hazard rectified on the spot (当场整改).
        CloseOnSite = ("close_on_site", "当场整改销号"),
        /// Hand over the order with its deadline (限期整改).
        IssueOrder = ("issue_order", "下达限期整改"),
        /// Accept or return the enterprise's rectification report.
        ReviewRectification = ("review_rectification", "审核整改报告"),
        /// Escalate an overdue hazard (提醒, 督办函, 约谈, 通报).
        Escalate = ("escalate", "督促升级"),
        /// List a major hazard for supervision (挂牌督办).
        SuperviseMajor = ("supervise_major", "挂牌督办"),
        /// Take on a hazard referred to one's department (接收移交).
        AcceptReferral = ("accept_referral", "接收移交"),
        /// Edit enterprise files, checklists and plans.
        ManageCatalog = ("manage_catalog", "维护基础数据"),
        /// Read an inspection.
        ReadInspection = ("read_inspection", "查看检查"),
        /// Collect signatures on the device and record a refusal to sign.
        CollectSignature = ("collect_signature", "采集签字"),
    }
);

/// Whether `role` may perform `action`.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        CreateInspection => matches!(role, Office | TeamLead),
        StartInspection | ManageTeam | ResolveConflict | SubmitForSignature | ReopenForEditing | MarkSigned => {
            role == TeamLead
        }
        RecordResponse | RecordFinding | GradeFinding | RecordInterview | CloseOnSite | CollectSignature
        | IssueOrder | AcceptReferral => matches!(role, Inspector | TeamLead),
        CloseInspection => matches!(role, TeamLead | Office),
        // The office reviews and re-inspects too (in writing, the hazards
        // enterprises report themselves).
        ReviewRectification | Reinspect => matches!(role, Inspector | TeamLead | Office),
        StartRectification | SubmitRectification => role == Enterprise,
        ManageCatalog | Escalate | SuperviseMajor => role == Office,
        ReadInspection => true,
    }
}

/// [`allows`] in a record: in the enterprise's own self-inspection (自查自报)
/// the enterprise also records and grades the hazards it found.
pub fn allows_in(role: Role, action: Action, self_reported: bool) -> bool {
    allows(role, action)
        || (self_reported && role == Role::Enterprise && matches!(action, Action::RecordFinding | Action::GradeFinding))
}

/// [`authorize`] with [`allows_in`].
pub fn authorize_in(role: Role, action: Action, self_reported: bool) -> Result<()> {
    if allows_in(role, action, self_reported) {
        Ok(())
    } else {
        Err(Error::Forbidden { role: role.code().into(), action: action.code().into() })
    }
}

/// `Ok` if allowed, otherwise [`Error::Forbidden`].
pub fn authorize(role: Role, action: Action) -> Result<()> {
    if allows(role, action) {
        Ok(())
    } else {
        Err(Error::Forbidden { role: role.code().into(), action: action.code().into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        use Action::*;
        // (action, inspector, team lead, enterprise, office)
        let table = [
            (CreateInspection, false, true, false, true),
            (RecordResponse, true, true, false, false),
            (GradeFinding, true, true, false, false),
            (ResolveConflict, false, true, false, false),
            (MarkSigned, false, true, false, false),
            (SubmitRectification, false, false, true, false),
            (Reinspect, true, true, false, true),
            (ReviewRectification, true, true, false, true),
            (Escalate, false, false, false, true),
            (ManageCatalog, false, false, false, true),
            (CloseInspection, false, true, false, true),
            (ReadInspection, true, true, true, true),
        ];
        for (action, i, l, e, o) in table {
            let got = [Role::Inspector, Role::TeamLead, Role::Enterprise, Role::Office].map(|r| allows(r, action));
            assert_eq!(got, [i, l, e, o], "{action}");
        }
        assert!(matches!(authorize(Role::Enterprise, RecordFinding), Err(Error::Forbidden { .. })));
        // In its own self-inspection the enterprise records and grades.
        assert!(allows_in(Role::Enterprise, RecordFinding, true) && allows_in(Role::Enterprise, GradeFinding, true));
        assert!(!allows_in(Role::Enterprise, Reinspect, true) && !allows_in(Role::Enterprise, RecordFinding, false));
    }
}

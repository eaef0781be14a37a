//! Who may do what on the joint inspection office's pages. Only office users
//! have pages at all; among them the office head (联检办负责人) approves the
//! annual plan, sets the yearly inspection ceilings and runs the 双随机
//! draws, which a clerk (科员) prepares.
//! The server applies this table to every page and form; nothing a browser
//! sends can widen it.

use crate::model::code_enum;
use crate::rules::permissions::Role;

code_enum!(
    /// An office user's rank.
    OfficeRank {
        /// 科员: keeps the ledger, people, devices and office data.
        Clerk = ("clerk", "科员"),
        /// 联检办负责人: everything a clerk does, and approves plans and draws.
        Head = ("head", "联检办负责人"),
    }
);

code_enum!(
    /// What an office page does.
    OfficeAction {
        /// Read the ledger, dossiers, statistics and plans.
        Read = ("read", "查看"),
        /// Export a table to xlsx.
        Export = ("export", "导出"),
        /// Add users, issue enrollment codes, revoke devices.
        ManagePeople = ("manage_people", "人员与设备管理"),
        /// Import calendars, regions, checklists, templates and fonts.
        ImportData = ("import_data", "导入基础数据"),
        /// Record an enterprise's accident or substantiated complaint.
        RecordIncident = ("record_incident", "记录事故与投诉"),
        /// Draft plan rows and draw tasks.
        DraftPlan = ("draft_plan", "编制计划"),
        /// Approve the annual plan.
        ApprovePlan = ("approve_plan", "审批计划"),
        /// Set the yearly inspection ceilings per risk class.
        SetCaps = ("set_caps", "设定检查频次上限"),
        /// Run a 双随机 draw (commit and reveal).
        RunDraw = ("run_draw", "组织抽取"),
        /// Publish a drawn inspection's result (抽查结果公示).
        PublishResult = ("publish_result", "公示抽查结果"),
        /// Read the audit trail.
        ReadAudit = ("read_audit", "查看审计记录"),
    }
);

/// Whether a user of `role` (with `rank` if an office user) may do `action`
/// on the office's pages. Inspectors and enterprises have no office pages;
/// an office user without a rank is a clerk.
pub fn office_allows(role: Role, rank: Option<OfficeRank>, action: OfficeAction) -> bool {
    if role != Role::Office {
        return false;
    }
    match action {
        OfficeAction::ApprovePlan | OfficeAction::RunDraw | OfficeAction::SetCaps => rank == Some(OfficeRank::Head),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_office_has_pages_and_only_its_head_approves_and_draws() {
        for action in OfficeAction::ALL {
            for role in [Role::Inspector, Role::TeamLead, Role::Enterprise] {
                assert!(!office_allows(role, Some(OfficeRank::Head), *action), "{role:?} {action:?}");
            }
            assert!(office_allows(Role::Office, Some(OfficeRank::Head), *action));
        }
        assert!(office_allows(Role::Office, Some(OfficeRank::Clerk), OfficeAction::Export));
        assert!(office_allows(Role::Office, None, OfficeAction::ManagePeople));
        assert!(!office_allows(Role::Office, Some(OfficeRank::Clerk), OfficeAction::ApprovePlan));
        assert!(!office_allows(Role::Office, None, OfficeAction::RunDraw));
        assert!(!office_allows(Role::Office, Some(OfficeRank::Clerk), OfficeAction::SetCaps));
    }
}

//! What every signed-in office page shares: the top bar (the office's
//! sections, who is signed in, sign-out with its CSRF token).

use super::session::Office;

/// The sections of the office's pages, in the top bar's order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("ledger", "隐患台账"),
    ("enterprises", "一企一档"),
    ("stats", "统计分析"),
    ("plans", "年度计划"),
    ("draws", "双随机抽查"),
    ("people", "人员与设备"),
    ("data", "基础数据"),
    ("audit", "审计记录"),
];

/// The top bar of a signed-in page.
#[derive(Clone, Debug)]
pub struct Chrome {
    /// Who is signed in.
    pub user: String,
    /// Their rank.
    pub rank: &'static str,
    /// The session's CSRF token (forms and htmx carry it).
    pub csrf: String,
    /// The section shown.
    pub here: &'static str,
}

impl Chrome {
    /// The top bar for `office` on section `here`.
    pub fn new(office: &Office, here: &'static str) -> Self {
        Chrome { user: office.0.user.name.clone(), rank: office.0.rank.label(), csrf: office.0.csrf.clone(), here }
    }

    /// The sections, for the template.
    pub fn sections(&self) -> &'static [(&'static str, &'static str)] {
        SECTIONS
    }
}

//! The departments that take part in joint inspections, shared by the team
//! and by findings referred to another department.

use super::codes::code_enum;

code_enum!(
    /// The departments that take part in joint inspections.
    Department {
        /// 应急管理 (usually leads).
        EmergencyManagement = ("emergency_management", "应急管理"),
        /// 公安.
        PublicSecurity = ("public_security", "公安"),
        /// 住建.
        HousingConstruction = ("housing_construction", "住建"),
        /// 交通运输.
        Transport = ("transport", "交通运输"),
        /// 市场监管 (special equipment).
        MarketRegulation = ("market_regulation", "市场监管"),
        /// 卫健 (occupational health).
        Health = ("health", "卫健"),
        /// 消防.
        FireRescue = ("fire_rescue", "消防"),
        /// 自然资源 (mining boundaries).
        NaturalResources = ("natural_resources", "自然资源"),
    }
);

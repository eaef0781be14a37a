//! What changed in a record since it was signed, in words an inspector and a
//! court can read ("隐患「储罐区防静电接地损坏」：隐患等级 由「二级」改为「一级」"),
//! computed from the signed snapshot and the live record's canonical form.

use serde_json::Value;

/// One difference between the signed and the live record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// Where, as a path of keys and element ids (`findings/<id>/grade`).
    pub path: String,
    /// The change in Chinese.
    pub description: String,
}

/// The differences from `signed` to `live` (both canonical record trees).
pub fn diff(signed: &Value, live: &Value) -> Vec<RecordChange> {
    let mut out = Vec::new();
    walk("", "", signed, live, &mut out);
    out
}

fn label(key: &str) -> &str {
    match key {
        "findings" => "隐患",
        "description" => "隐患描述",
        "location" => "位置",
        "item_code" => "检查项",
        "legal_basis" => "依据",
        "grade" => "隐患等级",
        "deadline" => "整改期限",
        "deadline_reason" => "指定期限理由",
        "deadline_provisional" => "暂定期限说明",
        "immediate_measure" => "现场处理措施",
        "requirement" => "整改要求",
        "referred_to" => "移交部门",
        "evidence" => "证据",
        "found_by" => "发现人",
        "found_at" => "发现时间",
        "responses" => "检查记录",
        "verdict" => "检查结论",
        "measured" => "测量值",
        "choices" => "选项",
        "text" => "填写内容",
        "note" => "备注",
        "team" => "检查人员",
        "name" => "姓名",
        "certificate_no" => "执法证号",
        "department" => "部门",
        "role" => "职责",
        "refusal" => "拒签记录",
        "reason" => "拒签理由",
        "interview" => "询问笔录",
        "interviewee" => "被询问人",
        "interviewers" => "询问人",
        "qa" => "问答",
        "question" => "问",
        "answer" => "答",
        "place" => "地点",
        "started_at" => "开始时间",
        "ended_at" => "结束时间",
        "position" => "职务",
        "phone" => "电话",
        "id_number" => "身份证号",
        "checklists" => "检查表",
        "enterprise" => "企业",
        other => other,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "（空）".into(),
        Value::String(s) => short(s, 40),
        Value::Array(a) if a.is_empty() => "（无）".into(),
        Value::Array(a) => format!("{} 项", a.len()),
        other => other.to_string(),
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// An array element's identity (so reordering or insertion is not reported
/// as every later element changing) and its display name.
fn identity(v: &Value, index: usize) -> (String, String) {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    if let (Some(item), Some(who)) = (s("item_code"), s("inspector")) {
        return (format!("{item}/{who}"), format!("「{item}」"));
    }
    if let Some(id) = s("id") {
        let name = s("description").map(|d| short(d, 20)).unwrap_or_else(|| id.to_string());
        return (id.to_string(), format!("「{name}」"));
    }
    if let Some(person) = s("person") {
        return (person.to_string(), format!("「{}」", s("name").unwrap_or(person)));
    }
    (index.to_string(), format!("第{}条", index + 1))
}

fn walk(path: &str, prefix: &str, a: &Value, b: &Value, out: &mut Vec<RecordChange>) {
    if a == b {
        return;
    }
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}/{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (va, vb) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                let sub = if prefix.is_empty() { label(k).to_string() } else { format!("{prefix}{}", label(k)) };
                walk(&join(k), &sub, va, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.iter().chain(y).all(Value::is_object) => {
            let ids_x: Vec<(String, String)> = x.iter().enumerate().map(|(i, v)| identity(v, i)).collect();
            let ids_y: Vec<(String, String)> = y.iter().enumerate().map(|(i, v)| identity(v, i)).collect();
            for (i, (id, name)) in ids_x.iter().enumerate() {
                match ids_y.iter().position(|(other, _)| other == id) {
                    None => out.push(RecordChange { path: join(id), description: format!("删除{prefix}{name}") }),
                    Some(j) => walk(&join(id), &format!("{prefix}{name}："), &x[i], &y[j], out),
                }
            }
            for (id, name) in &ids_y {
                if !ids_x.iter().any(|(other, _)| other == id) {
                    out.push(RecordChange { path: join(id), description: format!("新增{prefix}{name}") });
                }
            }
        }
        _ => out.push(RecordChange {
            path: path.to_string(),
            description: format!("{prefix} 由「{}」改为「{}」", show(a), show(b)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_changed_added_and_removed_findings_readably() {
        let signed = json!({ "findings": [
            { "id": "f1", "description": "储罐区防静电接地损坏", "grade": "2" },
            { "id": "f2", "description": "消防通道堵塞", "grade": "2" },
        ], "refusal": null });
        let live = json!({ "findings": [
            { "id": "f1", "description": "储罐区防静电接地损坏", "grade": "1" },
            { "id": "f3", "description": "灭火器压力不足", "grade": "3" },
        ], "refusal": null });
        let changes = diff(&signed, &live);
        let text: Vec<&str> = changes.iter().map(|c| c.description.as_str()).collect();
        assert_eq!(
            text,
            [
                "隐患「储罐区防静电接地损坏」：隐患等级 由「2」改为「1」",
                "删除隐患「消防通道堵塞」",
                "新增隐患「灭火器压力不足」"
            ]
        );
        assert_eq!(changes[0].path, "findings/f1/grade");
        assert!(diff(&signed, &signed).is_empty());
    }
}

//! Plausibility checks on evidence: when and where a photo was taken compared
//! with the inspection and the enterprise, and whether a "new" rectification
//! photo is really a picture already on file. They only raise flags for a
//! person to judge: clocks drift, GPS wanders indoors, and a re-inspection may
//! legitimately photograph the same corner.

use chrono::Duration;

use super::phash;
use crate::model::evidence::{EvidenceFlag, EvidencePurpose, FlagKind};
use crate::model::{Coordinates, Timestamp};

/// Thresholds for the flags.
#[derive(Clone, Debug, PartialEq)]
pub struct FlagPolicy {
    /// How far outside the inspection's time on site a capture time may lie.
    pub time_tolerance: Duration,
    /// How far ahead of the device's clock a capture time may be (clock skew
    /// between camera and system).
    pub future_tolerance: Duration,
    /// Farthest distance from the enterprise's coordinates, in metres.
    pub max_distance_m: f64,
    /// Perceptual-hash distance at or under which pictures are the same scene.
    pub near_duplicate_bits: u32,
}

impl Default for FlagPolicy {
    fn default() -> Self {
        FlagPolicy {
            time_tolerance: Duration::hours(2),
            future_tolerance: Duration::minutes(10),
            max_distance_m: 1_000.0,
            near_duplicate_bits: phash::NEAR_DUPLICATE_BITS,
        }
    }
}

/// What the checks compare against.
#[derive(Clone, Debug, Default)]
pub struct FlagContext<'a> {
    /// When the team started on site (or was scheduled to).
    pub inspection_start: Option<Timestamp>,
    /// When the team left (open while still on site).
    pub inspection_end: Option<Timestamp>,
    /// The enterprise's address coordinates, when known.
    pub enterprise_location: Option<Coordinates>,
    /// Perceptual hashes of the enterprise's evidence already on file: (sha256, phash).
    pub on_file: &'a [(String, String)],
}

/// The facts of the evidence being checked.
#[derive(Clone, Debug)]
pub struct Captured<'a> {
    /// SHA-256 of the original.
    pub sha256: &'a str,
    /// Why it was taken.
    pub purpose: EvidencePurpose,
    /// Camera capture time.
    pub captured_at: Option<Timestamp>,
    /// Camera position.
    pub gps: Option<Coordinates>,
    /// Perceptual hash (photos).
    pub phash: Option<&'a str>,
}

/// Checks evidence captured at device time `now`.
pub fn check(
    evidence: &Captured<'_>,
    context: &FlagContext<'_>,
    policy: &FlagPolicy,
    now: Timestamp,
) -> Vec<EvidenceFlag> {
    let mut flags = Vec::new();
    let flag = |kind, message: String, related: Option<String>| EvidenceFlag { kind, message, related };
    match evidence.captured_at {
        None => flags.push(flag(FlagKind::NoCaptureTime, "照片未记录拍摄时间".into(), None)),
        Some(at) => {
            if at.0 > now.0 + policy.future_tolerance {
                flags.push(flag(
                    FlagKind::TimeInFuture,
                    format!("拍摄时间 {} 晚于设备当前时间 {}", show(at), show(now)),
                    None,
                ));
            } else if let Some(start) = context.inspection_start {
                // Rectification happens after the inspection: only "before it
                // began" is implausible. Evidence from the visit itself must lie
                // within the time on site.
                let end = match evidence.purpose {
                    EvidencePurpose::Rectification => None,
                    _ => Some(context.inspection_end.unwrap_or(now)),
                };
                let off = if at.0 < start.0 - policy.time_tolerance {
                    Some(start.0 - at.0)
                } else {
                    end.filter(|e| at.0 > e.0 + policy.time_tolerance).map(|e| at.0 - e.0)
                };
                if let Some(off) = off {
                    flags.push(flag(
                        FlagKind::TimeFarFromInspection,
                        format!("拍摄时间 {} 与检查时间相差约 {}", show(at), span(off)),
                        None,
                    ));
                }
            }
        }
    }
    if let (Some(here), Some(site)) = (evidence.gps, context.enterprise_location) {
        let d = distance_m(here, site);
        if d > policy.max_distance_m {
            flags.push(flag(
                FlagKind::FarFromEnterprise,
                format!(
                    "拍摄地点距企业地址约 {}",
                    if d >= 10_000.0 { format!("{:.0} 公里", d / 1000.0) } else { format!("{d:.0} 米") }
                ),
                None,
            ));
        }
    }
    if evidence.purpose == EvidencePurpose::Rectification {
        if let Some(mine) = evidence.phash {
            let closest = context
                .on_file
                .iter()
                .filter(|(sha, _)| sha != evidence.sha256)
                .filter_map(|(sha, other)| phash::distance(mine, other).map(|d| (d, sha)))
                .min();
            let same_file = context.on_file.iter().any(|(sha, _)| sha == evidence.sha256);
            if same_file {
                flags.push(flag(
                    FlagKind::DuplicatePicture,
                    "与已存档证据是同一文件".into(),
                    Some(evidence.sha256.into()),
                ));
            } else if let Some((d, sha)) = closest.filter(|(d, _)| *d <= policy.near_duplicate_bits) {
                flags.push(flag(
                    FlagKind::DuplicatePicture,
                    format!("与已存档证据高度相似（差异 {d} 位），请核实是否为整改后新拍"),
                    Some(sha.clone()),
                ));
            }
        }
    }
    flags
}

/// Great-circle distance in metres (haversine on a 6,371 km sphere: within
/// 0.5% of the ellipsoid, plenty for "is this the right site").
pub fn distance_m(a: Coordinates, b: Coordinates) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dla = la2 - la1;
    let dlo = (b.lon - a.lon).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

fn show(t: Timestamp) -> String {
    t.0.format("%Y-%m-%d %H:%M").to_string()
}

fn span(d: Duration) -> String {
    if d.num_hours() >= 48 {
        format!("{} 天", d.num_days())
    } else if d.num_minutes() >= 60 {
        format!("{} 小时", d.num_hours())
    } else {
        format!("{} 分钟", d.num_minutes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn photo<'a>(purpose: EvidencePurpose, at: Option<&str>, gps: Option<Coordinates>) -> Captured<'a> {
        Captured { sha256: "aa", purpose, captured_at: at.map(t), gps, phash: None }
    }

    const SITE: Coordinates = Coordinates { lat: 29.86127, lon: 114.29643 };

    fn kinds(flags: &[EvidenceFlag]) -> Vec<FlagKind> {
        flags.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn capture_time_is_checked_against_the_visit() {
        let ctx = FlagContext {
            inspection_start: Some(t("2026-03-18T09:00:00+08:00")),
            inspection_end: Some(t("2026-03-18T12:00:00+08:00")),
            ..FlagContext::default()
        };
        let now = t("2026-03-18T12:30:00+08:00");
        let p = FlagPolicy::default();
        assert!(
            check(&photo(EvidencePurpose::Hazard, Some("2026-03-18T10:42:17+08:00"), None), &ctx, &p, now).is_empty()
        );
        let old = check(&photo(EvidencePurpose::Hazard, Some("2026-03-10T10:00:00+08:00"), None), &ctx, &p, now);
        assert_eq!(kinds(&old), [FlagKind::TimeFarFromInspection]);
        assert!(old[0].message.contains("8 天") || old[0].message.contains("7 天"), "{}", old[0].message);
        let future = check(&photo(EvidencePurpose::Hazard, Some("2026-03-19T10:00:00+08:00"), None), &ctx, &p, now);
        assert_eq!(kinds(&future), [FlagKind::TimeInFuture]);
        let none = check(&photo(EvidencePurpose::Hazard, None, None), &ctx, &p, now);
        assert_eq!(kinds(&none), [FlagKind::NoCaptureTime]);
        // Rectification photos come weeks later: only "before the visit" is odd.
        let later = t("2026-04-02T10:00:00+08:00");
        let rect =
            check(&photo(EvidencePurpose::Rectification, Some("2026-04-01T16:00:00+08:00"), None), &ctx, &p, later);
        assert!(rect.is_empty(), "{rect:?}");
    }

    #[test]
    fn place_is_checked_only_when_both_are_known() {
        let ctx = FlagContext { enterprise_location: Some(SITE), ..FlagContext::default() };
        let now = t("2026-03-18T12:30:00+08:00");
        let p = FlagPolicy::default();
        let near = Coordinates { lat: 29.8619, lon: 114.2971 };
        let wuhan = Coordinates { lat: 30.5928, lon: 114.3055 };
        let at = Some("2026-03-18T10:00:00+08:00");
        assert!(check(&photo(EvidencePurpose::Hazard, at, Some(near)), &ctx, &p, now).is_empty());
        let far = check(&photo(EvidencePurpose::Hazard, at, Some(wuhan)), &ctx, &p, now);
        assert_eq!(kinds(&far), [FlagKind::FarFromEnterprise]);
        assert!(far[0].message.contains("81 公里"), "{}", far[0].message);
        let unknown = FlagContext::default();
        assert!(check(&photo(EvidencePurpose::Hazard, at, Some(wuhan)), &unknown, &p, now).is_empty());
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // Xianning to Wuhan city centre: about 81 km.
        let d = distance_m(SITE, Coordinates { lat: 30.5928, lon: 114.3055 });
        assert!((80_000.0..83_000.0).contains(&d), "{d}");
        assert_eq!(distance_m(SITE, SITE), 0.0);
    }
}

//! Hostile images never make the decoder allocate beyond its limit. This is
//! its own test binary because it counts every heap allocation (a global
//! allocator), which would be muddied by other tests running in parallel.

use std::path::Path;

use lianjian_core::evidence::decode::{decode_for_display, DecodeLimits};
use lianjian_core::evidence::pipeline::DISPLAY_EDGE;
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/photos").join(name)).unwrap()
}

#[test]
fn hostile_images_stay_within_the_allocation_limit() {
    let limits = DecodeLimits::default();
    let files: Vec<(&str, Vec<u8>)> = [
        "bad/bomb-50000.png",
        "bad/bomb-50000.jpg",
        "bad/crafted-30.png",
        "bad/truncated.jpg",
        "bad/not-an-image.jpg",
        "bad/animated.gif",
    ]
    .into_iter()
    .map(|n| (n, fixture(n)))
    .collect();
    for (name, bytes) in &files {
        PEAK.reset_peak_usage();
        let before = PEAK.current_usage();
        assert!(decode_for_display(bytes, &limits, DISPLAY_EDGE).is_err(), "{name} decoded");
        let used = PEAK.peak_usage().saturating_sub(before);
        // Refused from the header: far below even one decoded row of a bomb.
        assert!(used < 4 << 20, "{name} allocated {used} bytes");
    }
    // A real 12 MP photo decodes at half scale within the cap, with room to spare.
    let photo = fixture("site-12mp.jpg");
    PEAK.reset_peak_usage();
    let before = PEAK.current_usage();
    let decoded = decode_for_display(&photo, &limits, DISPLAY_EDGE).unwrap();
    let used = PEAK.peak_usage().saturating_sub(before);
    assert_eq!(decoded.pixels.dimensions(), (2016, 1512));
    assert!(used as u64 <= limits.max_alloc, "{used} bytes");
    assert!(used < 32 << 20, "a half-scale decode used {used} bytes");
}

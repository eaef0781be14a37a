//! Perceptual hashes: two photos of the same scene hash to nearby values even
//! after resizing, recompression or a brightness change. Used to flag a
//! "rectification" photo that is really an old photo submitted again.

use image::DynamicImage;
use image_hasher::{HashAlg, HasherConfig, ImageHash};

/// Hash distance (bits of 64) at or under which two pictures count as the
/// same scene. A difference hash (dHash) of 8 x 8; on the fixtures the same
/// scene re-shot smaller and brighter differs by 1 bit, another scene by 24.
pub const NEAR_DUPLICATE_BITS: u32 = 10;

/// The perceptual hash of a picture, as base64 text.
pub fn perceptual_hash(image: &DynamicImage) -> String {
    HasherConfig::new().hash_alg(HashAlg::Gradient).hash_size(8, 8).to_hasher().hash_image(image).to_base64()
}

/// Bits that differ between two hashes; `None` if either is malformed.
pub fn distance(a: &str, b: &str) -> Option<u32> {
    let a = ImageHash::<Box<[u8]>>::from_base64(a).ok()?;
    let b = ImageHash::<Box<[u8]>>::from_base64(b).ok()?;
    (a.as_bytes().len() == b.as_bytes().len()).then(|| a.dist(&b))
}

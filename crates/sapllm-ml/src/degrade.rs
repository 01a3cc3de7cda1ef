//! Making clean page renders look scanned, deterministically: skew, blur, noise, low
//! contrast (JPEG artefacts come from encoding the result). Used to build the scanned
//! variants of the generated test documents and by tests; never on real input.

use image::{GrayImage, Luma, RgbImage, imageops};

use crate::deskew;

/// How one page is degraded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanLook {
    /// Rotation, degrees counter-clockwise.
    pub skew_degrees: f32,
    /// Gaussian blur sigma in pixels (0: none).
    pub blur_sigma: f32,
    /// Standard deviation of additive noise, grey levels.
    pub noise: f32,
    /// Grey level of black ink and of white paper after the contrast change.
    pub ink: u8,
    pub paper: u8,
    /// JPEG quality the page is stored with.
    pub jpeg_quality: u8,
}

impl ScanLook {
    /// A look drawn from `rng`: skew within ±3°, mild blur, noise, lowered contrast, JPEG
    /// quality 35–70.
    pub fn random(rng: &mut SplitMix) -> Self {
        Self {
            skew_degrees: rng.range(-3.0, 3.0),
            blur_sigma: if rng.unit() < 0.6 {
                rng.range(0.4, 1.0)
            } else {
                0.0
            },
            noise: rng.range(3.0, 12.0),
            ink: rng.range(20.0, 80.0) as u8,
            paper: rng.range(200.0, 245.0) as u8,
            jpeg_quality: rng.range(35.0, 70.0) as u8,
        }
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same scans on every
/// machine.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Roughly normal (sum of four uniforms), mean 0, standard deviation 1.
    pub fn normal(&mut self) -> f32 {
        ((self.unit() + self.unit() + self.unit() + self.unit()) - 2.0) * 1.732
    }
}

/// Applies `look` to a page image and returns it in grey.
pub fn degrade(page: &RgbImage, look: &ScanLook, rng: &mut SplitMix) -> GrayImage {
    let rotated = if look.skew_degrees.abs() > 0.01 {
        deskew::rotate(page, look.skew_degrees)
    } else {
        page.clone()
    };
    let mut gray = imageops::grayscale(&rotated);
    if look.blur_sigma > 0.0 {
        gray = imageops::blur(&gray, look.blur_sigma);
    }
    let (ink, paper) = (f32::from(look.ink), f32::from(look.paper));
    for p in gray.pixels_mut() {
        let v = f32::from(p.0[0]) / 255.0;
        let g = ink + (paper - ink) * v + rng.normal() * look.noise;
        *p = Luma([g.round().clamp(0.0, 255.0) as u8]);
    }
    gray
}

/// Baseline JPEG of a grey image.
pub fn to_jpeg(img: &GrayImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(img)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degradation_is_deterministic_and_changes_the_page() {
        let page = RgbImage::from_fn(120, 80, |x, _| {
            if (x / 10) % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let look = ScanLook::random(&mut SplitMix::new(7));
        assert!(look.skew_degrees.abs() <= 3.0 && look.paper > look.ink);
        let a = degrade(&page, &look, &mut SplitMix::new(1));
        let b = degrade(&page, &look, &mut SplitMix::new(1));
        assert_eq!(a, b);
        let white = a.get_pixel(15, 40).0[0];
        assert!(white > 150 && white < 255, "paper is greyed: {white}");
        assert!(!to_jpeg(&a, 50).unwrap().is_empty());
    }
}

//! Page geometry.
//!
//! **Coordinate convention (the only one in the product):** page space in PDF points
//! (1/72 inch), origin at the *top-left* corner of the page, x grows to the right and y grows
//! downwards. PDF text-layer boxes (origin bottom-left) are flipped once when they are read;
//! OCR boxes (pixels) are scaled by `72 / dpi` once when they are read. Everything after
//! reading — extraction, overlays in the UI, learned positions — uses this convention.

use serde::{Deserialize, Serialize};

/// An axis-aligned box in page space (points, origin top-left, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    /// Builds a box from two corners in any order.
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        Self {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn center_x(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn center_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    /// The smallest box containing both.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    /// Union of many boxes; `None` for an empty iterator.
    pub fn union_all<'a>(boxes: impl IntoIterator<Item = &'a BBox>) -> Option<BBox> {
        boxes
            .into_iter()
            .fold(None, |acc, b| Some(acc.map_or(*b, |a: BBox| a.union(b))))
    }

    /// Overlap of the vertical extents divided by the smaller height (0..1).
    pub fn vertical_overlap(&self, other: &BBox) -> f32 {
        let overlap = self.y1.min(other.y1) - self.y0.max(other.y0);
        let min_h = self.height().min(other.height()).max(f32::EPSILON);
        (overlap / min_h).clamp(0.0, 1.0)
    }

    /// Overlap of the horizontal extents divided by the smaller width (0..1).
    pub fn horizontal_overlap(&self, other: &BBox) -> f32 {
        let overlap = self.x1.min(other.x1) - self.x0.max(other.x0);
        let min_w = self.width().min(other.width()).max(f32::EPSILON);
        (overlap / min_w).clamp(0.0, 1.0)
    }

    /// Whether a point lies inside (inclusive).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_normalises_corners_and_union_covers_both() {
        let a = BBox::new(10.0, 20.0, 0.0, 5.0);
        assert_eq!(
            a,
            BBox {
                x0: 0.0,
                y0: 5.0,
                x1: 10.0,
                y1: 20.0
            }
        );
        let b = BBox::new(5.0, 0.0, 30.0, 8.0);
        let u = a.union(&b);
        assert_eq!(
            u,
            BBox {
                x0: 0.0,
                y0: 0.0,
                x1: 30.0,
                y1: 20.0
            }
        );
        assert_eq!(BBox::union_all([a, b].iter()), Some(u));
        assert_eq!(BBox::union_all(std::iter::empty()), None);
    }

    #[test]
    fn overlaps_are_relative_to_the_smaller_box() {
        let line = BBox::new(0.0, 100.0, 50.0, 110.0);
        let same_line = BBox::new(60.0, 101.0, 90.0, 109.0);
        let next_line = BBox::new(0.0, 115.0, 50.0, 125.0);
        assert!(line.vertical_overlap(&same_line) > 0.9);
        assert_eq!(line.vertical_overlap(&next_line), 0.0);
        assert_eq!(line.horizontal_overlap(&same_line), 0.0);
        assert!(line.contains(25.0, 105.0));
        assert!(!line.contains(25.0, 111.0));
    }
}

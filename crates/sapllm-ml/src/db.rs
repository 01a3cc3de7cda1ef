//! Text detection post-processing (DB, "Differentiable Binarization"): from the detector's
//! probability map to text boxes.
//!
//! Steps, as PaddleOCR's `DBPostProcess` does them: binarise at `thresh`; each connected
//! region becomes its minimum-area rectangle; regions whose mean probability inside that
//! rectangle is below `box_thresh` are dropped; survivors are grown by the unclip offset
//! `area × ratio / perimeter` (the detector is trained on shrunk text regions) and scaled to
//! the input image.
//!
//! One step PaddleOCR does not have: a region that fills too little of its rectangle is not
//! one straight line but several joined ones — typically a rubber stamp lying across address
//! lines, which joins them into one slanted blob whose rectangle then fails `box_thresh`, so
//! the lines under the stamp were lost whole. Such a region is split ([`split`]) and its
//! parts are boxed on their own.

/// Parameters of the post-processing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbParams {
    /// Binarisation threshold of the probability map.
    pub thresh: f32,
    /// Minimum mean probability inside a box.
    pub box_thresh: f32,
    /// Growth of the shrunk regions (PaddleOCR's `unclip_ratio`).
    pub unclip_ratio: f32,
    /// Smallest side of a box in map pixels before growing.
    pub min_size: f32,
    /// At most this many regions are considered (largest first).
    pub max_candidates: usize,
}

impl Default for DbParams {
    fn default() -> Self {
        Self {
            thresh: 0.3,
            box_thresh: 0.5,
            unclip_ratio: 1.6,
            min_size: 3.0,
            max_candidates: 3000,
        }
    }
}

/// A rotated rectangle: corners top-left, top-right, bottom-right, bottom-left (x, y) in the
/// coordinates of the input image, with the region's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    pub corners: [[f32; 2]; 4],
    pub score: f32,
}

impl TextBox {
    /// Length of the top edge (the text direction).
    pub fn width(&self) -> f32 {
        dist(self.corners[0], self.corners[1])
    }

    /// Length of the left edge.
    pub fn height(&self) -> f32 {
        dist(self.corners[0], self.corners[3])
    }

    /// Axis-aligned bounds `(x0, y0, x1, y1)`.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let xs = self.corners.map(|c| c[0]);
        let ys = self.corners.map(|c| c[1]);
        (
            xs.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(f32::MIN, f32::max),
            ys.iter().copied().fold(f32::MIN, f32::max),
        )
    }
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// A minimum-area rectangle: centre, unit axes `u` (the more horizontal one, pointing right)
/// and `v` (pointing down), and the extents along them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    c: [f32; 2],
    u: [f32; 2],
    v: [f32; 2],
    w: f32,
    h: f32,
}

impl Rect {
    fn corners(&self) -> [[f32; 2]; 4] {
        let (hw, hh) = (self.w / 2.0, self.h / 2.0);
        let at = |a: f32, b: f32| {
            [
                self.c[0] + self.u[0] * a + self.v[0] * b,
                self.c[1] + self.u[1] * a + self.v[1] * b,
            ]
        };
        [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)]
    }

    fn contains(&self, x: f32, y: f32) -> bool {
        let (dx, dy) = (x - self.c[0], y - self.c[1]);
        (dx * self.u[0] + dy * self.u[1]).abs() <= self.w / 2.0
            && (dx * self.v[0] + dy * self.v[1]).abs() <= self.h / 2.0
    }
}

/// Finds the text boxes in a `map_w × map_h` probability map (row-major) computed for an
/// image of `image_w × image_h` pixels.
pub fn boxes_from_map(
    map: &[f32],
    map_w: usize,
    map_h: usize,
    image_w: f32,
    image_h: f32,
    p: &DbParams,
) -> Vec<TextBox> {
    if map_w == 0 || map_h == 0 || map.len() < map_w * map_h {
        return Vec::new();
    }
    let mut regions = regions(map, map_w, map_h, p.thresh);
    // Largest first, so a cap on candidates drops specks, not text.
    regions.sort_by_key(|r| std::cmp::Reverse(r.pixels.len()));
    regions.truncate(p.max_candidates);
    let (sx, sy) = (image_w / map_w as f32, image_h / map_h as f32);
    let mut out = Vec::new();
    let mut todo: Vec<(Region, bool)> = regions.into_iter().map(|r| (r, true)).collect();
    while let Some((r, may_split)) = todo.pop() {
        let Some(rect) = min_area_rect(&r.hull_points()) else {
            continue;
        };
        if rect.w.min(rect.h) < p.min_size {
            continue;
        }
        let fill = r.pixels.len() as f32 / (rect.w * rect.h).max(1.0);
        if may_split && fill < SPLIT_BELOW_FILL && r.pixels.len() >= MIN_SPLIT_PIXELS {
            if let Some(parts) = split(&r, map, map_w) {
                todo.extend(parts.into_iter().map(|r| (r, false)));
                continue;
            }
        }
        let score = mean_inside(map, map_w, map_h, &rect);
        if score < p.box_thresh {
            continue;
        }
        let d = rect.w * rect.h * p.unclip_ratio / (2.0 * (rect.w + rect.h));
        let grown = Rect {
            w: rect.w + 2.0 * d,
            h: rect.h + 2.0 * d,
            ..rect
        };
        if grown.w.min(grown.h) < p.min_size + 2.0 {
            continue;
        }
        let corners = grown
            .corners()
            .map(|[x, y]| [(x * sx).clamp(0.0, image_w), (y * sy).clamp(0.0, image_h)]);
        out.push(TextBox { corners, score });
    }
    // Reading order: top to bottom, then left to right.
    out.sort_by(|a, b| {
        let (ax, ay, ..) = a.bounds();
        let (bx, by, ..) = b.bounds();
        ay.total_cmp(&by).then(ax.total_cmp(&bx))
    });
    out
}

/// A connected region of the binary map: its pixels (row-major indices into the map) and,
/// per row, the extreme x (enough for its convex hull).
struct Region {
    /// (y, min x, max x) per row.
    rows: Vec<(usize, usize, usize)>,
    pixels: Vec<usize>,
}

impl Region {
    fn new(pixels: Vec<usize>, w: usize) -> Self {
        let mut extremes: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
        for &i in &pixels {
            let (x, y) = (i % w, i / w);
            let e = extremes.entry(y).or_insert((x, x));
            e.0 = e.0.min(x);
            e.1 = e.1.max(x);
        }
        Self {
            rows: extremes.into_iter().map(|(y, (a, b))| (y, a, b)).collect(),
            pixels,
        }
    }

    /// Corner points of every row's extreme pixels: their convex hull is the region's.
    fn hull_points(&self) -> Vec<[f32; 2]> {
        let mut pts = Vec::with_capacity(self.rows.len() * 4);
        for &(y, x0, x1) in &self.rows {
            let (y, x0, x1) = (y as f32, x0 as f32, x1 as f32 + 1.0);
            pts.extend([[x0, y], [x1, y], [x0, y + 1.0], [x1, y + 1.0]]);
        }
        convex_hull(pts)
    }
}

/// A region filling less than this share of its minimum-area rectangle is split. A text
/// line's region is a filled bar (≈ 0.9); two lines joined by a slanted stamp fill far less.
const SPLIT_BELOW_FILL: f32 = 0.6;
/// Regions smaller than this (map pixels) are never split: specks and short words.
const MIN_SPLIT_PIXELS: usize = 200;
/// How far (map pixels) a part grows from its core.
const SPLIT_GROWTH: u32 = 3;
/// The thresholds tried, in order, for the cores of the joined parts.
const SPLIT_THRESHOLDS: [f32; 3] = [0.6, 0.75, 0.9];

/// Splits a region made of several joined lines: its pixels above a higher threshold form
/// separate cores (the detector is surest in the middle of each line and least sure where a
/// stamp crosses it), and every pixel of the region goes to the core it reaches first
/// (breadth-first inside the region, at most [`SPLIT_GROWTH`] pixels), so each part keeps
/// the full thickness of its line; what no core reaches is dropped.
/// `None` when no threshold separates at least two cores of some size.
fn split(region: &Region, map: &[f32], w: usize) -> Option<Vec<Region>> {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for &i in &region.pixels {
        let (x, y) = (i % w, i / w);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let local = |i: usize| (i / w - y0) * bw + (i % w - x0);
    let mut inside = vec![false; bw * bh];
    for &i in &region.pixels {
        inside[local(i)] = true;
    }
    let neighbours = |j: usize| {
        let (x, y) = ((j % bw) as i64, (j / bw) as i64);
        [
            (-1, 0),
            (1, 0),
            (0, -1),
            (0, 1),
            (-1, -1),
            (1, -1),
            (-1, 1),
            (1, 1),
        ]
        .into_iter()
        .filter_map(move |(dx, dy)| {
            let (nx, ny) = (x + dx, y + dy);
            (nx >= 0 && ny >= 0 && nx < bw as i64 && ny < bh as i64)
                .then(|| ny as usize * bw + nx as usize)
        })
    };
    let min_core = (region.pixels.len() / 50).max(12);
    for t in SPLIT_THRESHOLDS {
        // Cores: connected pixels of the region above `t`.
        let mut label = vec![0u32; bw * bh];
        let mut cores = 0u32;
        let mut queue = std::collections::VecDeque::new();
        let mut seeds: Vec<usize> = Vec::new();
        for &i in &region.pixels {
            let j = local(i);
            if label[j] != 0 || map[i] <= t {
                continue;
            }
            let id = cores + 1;
            let mut members = vec![j];
            label[j] = id;
            let mut k = 0;
            while k < members.len() {
                let m = members[k];
                k += 1;
                for n in neighbours(m) {
                    let gi = (n / bw + y0) * w + n % bw + x0;
                    if inside[n] && label[n] == 0 && map[gi] > t {
                        label[n] = id;
                        members.push(n);
                    }
                }
            }
            if members.len() >= min_core {
                cores = id;
                seeds.extend(members);
            } else {
                // Too small to be a line: its pixels are grown into by the real cores.
                for m in members {
                    label[m] = u32::MAX;
                }
            }
        }
        if cores < 2 {
            continue;
        }
        for l in label.iter_mut().filter(|l| **l == u32::MAX) {
            *l = 0;
        }
        // Grown a few pixels only: enough to give the line back the margin the higher
        // threshold took, not so far that a stamp's bar without a core of its own is taken in.
        queue.extend(seeds.into_iter().map(|j| (j, 0u32)));
        while let Some((j, d)) = queue.pop_front() {
            if d >= SPLIT_GROWTH {
                continue;
            }
            for n in neighbours(j) {
                if inside[n] && label[n] == 0 {
                    label[n] = label[j];
                    queue.push_back((n, d + 1));
                }
            }
        }
        let mut parts: Vec<Vec<usize>> = vec![Vec::new(); cores as usize];
        for &i in &region.pixels {
            let l = label[local(i)];
            if l != 0 {
                parts[l as usize - 1].push(i);
            }
        }
        return Some(
            parts
                .into_iter()
                .map(|p| Region::new(trim_stubs(p, w), w))
                .collect(),
        );
    }
    None
}

/// Rows at the top and bottom of a part that hold less than a quarter of its fullest row:
/// the stub of a crossing stamp stroke left on a line, which would make its box (grown in
/// proportion to its thickness) two lines tall.
fn trim_stubs(pixels: Vec<usize>, w: usize) -> Vec<usize> {
    let mut rows: std::collections::BTreeMap<usize, usize> = Default::default();
    for &i in &pixels {
        *rows.entry(i / w).or_default() += 1;
    }
    let full = rows.values().copied().max().unwrap_or(0);
    let kept: Vec<usize> = rows
        .iter()
        .filter(|(_, n)| **n * 4 >= full)
        .map(|(y, _)| *y)
        .collect();
    let (Some(&top), Some(&bottom)) = (kept.first(), kept.last()) else {
        return pixels;
    };
    pixels
        .into_iter()
        .filter(|i| (top..=bottom).contains(&(i / w)))
        .collect()
}

/// 8-connected regions above `thresh`.
fn regions(map: &[f32], w: usize, h: usize, thresh: f32) -> Vec<Region> {
    let mut label = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if label[start] || map[start] <= thresh {
            continue;
        }
        label[start] = true;
        stack.push(start);
        let mut pixels = Vec::new();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            pixels.push(i);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if !label[j] && map[j] > thresh {
                        label[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(Region::new(pixels, w));
    }
    out
}

/// Andrew's monotone chain; returns the hull counter-clockwise (in y-down coordinates:
/// clockwise on screen), without repeating the first point.
fn convex_hull(mut pts: Vec<[f32; 2]>) -> Vec<[f32; 2]> {
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: [f32; 2], a: [f32; 2], b: [f32; 2]| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    let mut lower: Vec<[f32; 2]> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<[f32; 2]> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// Minimum-area rectangle of a convex polygon: one of its sides lies on a hull edge
/// (rotating calipers, checked edge by edge).
fn min_area_rect(hull: &[[f32; 2]]) -> Option<Rect> {
    if hull.len() < 3 {
        return None;
    }
    let mut best: Option<(f32, Rect)> = None;
    for i in 0..hull.len() {
        let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
        let len = dist(a, b);
        if len < 1e-6 {
            continue;
        }
        let u = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
        let v = [-u[1], u[0]];
        let (mut umin, mut umax, mut vmin, mut vmax) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in hull {
            let pu = p[0] * u[0] + p[1] * u[1];
            let pv = p[0] * v[0] + p[1] * v[1];
            umin = umin.min(pu);
            umax = umax.max(pu);
            vmin = vmin.min(pv);
            vmax = vmax.max(pv);
        }
        let area = (umax - umin) * (vmax - vmin);
        if best.as_ref().is_none_or(|(a, _)| area < *a - 1e-3) {
            let (cu, cv) = ((umin + umax) / 2.0, (vmin + vmax) / 2.0);
            let c = [u[0] * cu + v[0] * cv, u[1] * cu + v[1] * cv];
            best = Some((
                area,
                canonical(Rect {
                    c,
                    u,
                    v,
                    w: umax - umin,
                    h: vmax - vmin,
                }),
            ));
        }
    }
    best.map(|(_, r)| r)
}

/// Orients a rectangle so that `u` is the more horizontal axis pointing right and `v` points
/// down: corners then come out as top-left, top-right, bottom-right, bottom-left.
fn canonical(r: Rect) -> Rect {
    let (mut u, mut v, mut w, mut h) = (r.u, r.v, r.w, r.h);
    if u[0].abs() < v[0].abs() {
        std::mem::swap(&mut u, &mut v);
        std::mem::swap(&mut w, &mut h);
    }
    if u[0] < 0.0 {
        u = [-u[0], -u[1]];
    }
    v = [-u[1], u[0]];
    if v[1] < 0.0 {
        v = [-v[0], -v[1]];
    }
    Rect { c: r.c, u, v, w, h }
}

/// Mean of the map over the pixels whose centres lie inside the rectangle.
fn mean_inside(map: &[f32], w: usize, h: usize, r: &Rect) -> f32 {
    let corners = r.corners();
    let xs = corners.map(|c| c[0]);
    let ys = corners.map(|c| c[1]);
    let x0 = xs.iter().copied().fold(f32::MAX, f32::min).floor().max(0.0) as usize;
    let x1 = (xs.iter().copied().fold(f32::MIN, f32::max).ceil() as usize).min(w);
    let y0 = ys.iter().copied().fold(f32::MAX, f32::min).floor().max(0.0) as usize;
    let y1 = (ys.iter().copied().fold(f32::MIN, f32::max).ceil() as usize).min(h);
    let (mut sum, mut n) = (0.0f32, 0usize);
    for y in y0..y1 {
        for x in x0..x1 {
            if r.contains(x as f32 + 0.5, y as f32 + 0.5) {
                sum += map[y * w + x];
                n += 1;
            }
        }
    }
    if n == 0 { 0.0 } else { sum / n as f32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic map: `value` inside the axis-aligned rectangles, 0 elsewhere.
    fn map_with(w: usize, h: usize, rects: &[(usize, usize, usize, usize, f32)]) -> Vec<f32> {
        let mut m = vec![0.0; w * h];
        for &(x0, y0, x1, y1, v) in rects {
            for y in y0..y1 {
                for x in x0..x1 {
                    m[y * w + x] = v;
                }
            }
        }
        m
    }

    #[test]
    fn regions_become_grown_boxes_in_image_coordinates_and_weak_ones_are_dropped() {
        // Two text lines and a faint smudge; the image is twice the map's size.
        let m = map_with(
            200,
            100,
            &[
                (10, 10, 110, 20, 0.9),
                (10, 40, 60, 50, 0.8),
                (150, 70, 170, 80, 0.35),
            ],
        );
        let boxes = boxes_from_map(&m, 200, 100, 400.0, 200.0, &DbParams::default());
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        let (x0, y0, x1, y1) = boxes[0].bounds();
        // 100 × 10 region: d = 1000 × 1.6 / 220 ≈ 7.27 → 114.5 × 24.5, ×2 for the image.
        assert!((x1 - x0 - 229.1).abs() < 0.5, "{x0} {x1}");
        assert!((y1 - y0 - 49.1).abs() < 0.5, "{y0} {y1}");
        assert!(
            (x0 - 5.45).abs() < 0.5 && (y0 - 5.45).abs() < 0.5,
            "{x0} {y0}"
        );
        assert!((boxes[0].score - 0.9).abs() < 1e-4);
        assert!(boxes[1].bounds().1 > boxes[0].bounds().1, "top to bottom");
        // Corners are ordered tl, tr, br, bl.
        let c = boxes[0].corners;
        assert!(c[0][0] < c[1][0] && c[0][1] < c[3][1] && c[2][0] > c[3][0]);
    }

    #[test]
    fn tilted_regions_get_a_tilted_minimum_area_box() {
        // A 4-pixel-high band rising 1 pixel every 10 to the right (≈ 5.7°).
        let (w, h) = (120, 40);
        let mut m = vec![0.0; w * h];
        for x in 10..110 {
            let yc = 25 - (x - 10) / 10;
            for y in yc..yc + 4 {
                m[y * w + x] = 0.9;
            }
        }
        let b = boxes_from_map(&m, w, h, w as f32, h as f32, &DbParams::default());
        assert_eq!(b.len(), 1);
        let c = b[0].corners;
        let angle = (c[1][1] - c[0][1]).atan2(c[1][0] - c[0][0]).to_degrees();
        assert!((angle + 5.7).abs() < 1.5, "angle {angle}");
        assert!(
            b[0].height() < 16.0,
            "tight across the text: {}",
            b[0].height()
        );
    }

    #[test]
    fn lines_joined_by_a_slanted_stamp_are_split_and_boxed_each() {
        // Two address lines (cores 0.95) and a stamp's slanted bar (0.8) crossing both, all
        // above the binarisation threshold: one region, filling little of its rectangle.
        let (w, h) = (240, 80);
        let mut m = map_with(w, h, &[(20, 20, 180, 28, 0.95), (20, 40, 120, 48, 0.95)]);
        for x in 60..200 {
            let yc: usize = 70 - (x - 60) / 2;
            for y in yc.saturating_sub(4)..yc + 4 {
                let v = &mut m[y * w + x];
                *v = v.max(0.8);
            }
        }
        let boxes = boxes_from_map(&m, w, h, w as f32, h as f32, &DbParams::default());
        let level = |b: &TextBox| {
            let (x0, y0, x1, y1) = b.bounds();
            (x0, y0, x1, y1)
        };
        let first = boxes
            .iter()
            .map(level)
            .find(|&(x0, y0, x1, y1)| y0 < 24.0 && y1 < 36.0 && x0 < 22.0 && x1 > 170.0);
        let second = boxes
            .iter()
            .map(level)
            .find(|&(x0, y0, x1, y1)| y0 > 30.0 && y1 < 56.0 && x0 < 22.0 && x1 > 110.0);
        assert!(first.is_some() && second.is_some(), "{boxes:?}");
        // Each line's box is one line tall (the stamp's stubs trimmed)…
        for b in &boxes {
            assert!(b.height() < 26.0, "{b:?}");
        }
        // …and the stamp's bar, which has no core of its own, is dropped. (Without the
        // split the joined region fails `box_thresh` and both lines are lost.)
        assert_eq!(boxes.len(), 2, "{boxes:?}");
    }

    #[test]
    fn tiny_specks_and_empty_maps_give_nothing() {
        let m = map_with(50, 50, &[(5, 5, 7, 7, 1.0)]);
        assert!(boxes_from_map(&m, 50, 50, 50.0, 50.0, &DbParams::default()).is_empty());
        assert!(boxes_from_map(&[], 0, 0, 0.0, 0.0, &DbParams::default()).is_empty());
        assert!(boxes_from_map(&[0.0; 10], 50, 50, 1.0, 1.0, &DbParams::default()).is_empty());
    }
}

//! The OCR engine: PaddleOCR-family ONNX models (PP-OCRv6 tiny or small) through ONNX Runtime.
//!
//! Per page: orientation (0/90/180/270, document-orientation model) → deskew (projection
//! profiles, ±5°) → text detection (DB) at a reduced resolution → recognition of every line
//! at height 48 from the full-resolution page (batches optional) → greedy CTC → words with boxes
//! from the time steps of their characters → page space (points).
//!
//! Detection runs at [`OcrConfig::det_dpi`] rather than the scan's resolution: the detector
//! only has to find lines, its cost grows with the pixel count, and at ~100 dpi body text is
//! still 12+ pixels high. Recognition reads from the full-resolution page.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::{RgbImage, imageops};
use ndarray::Array4;
use ort::session::Session;
use ort::value::TensorRef;
use sapllm_core::Word;

use crate::MlError;
use crate::catalog::{Catalog, FoundModel};
use crate::ctc::{Dictionary, greedy_decode, is_latin_symbol};
use crate::db::{DbParams, TextBox, boxes_from_map};
use crate::deskew;
use crate::ink::{self, CropInk};
use crate::recognizer::{OcrPage, TextRecognizer, pixels_to_points};
use crate::runtime::{self, RuntimeInfo};

/// The fast default model.
pub const FAST_MODEL: &str = "ppocrv6-tiny";
/// The accurate option.
pub const ACCURATE_MODEL: &str = "ppocrv6-small";
/// The page-orientation model.
pub const ORIENTATION_MODEL: &str = "orientation";

/// Recogniser input height (fixed by the PP-OCR recognisers).
const REC_HEIGHT: u32 = 48;
/// Longest line crop fed to the recogniser, as a multiple of its height; longer boxes (rare:
/// a full-width line of small text) are squeezed rather than cut.
const REC_MAX_RATIO: f32 = 60.0;

/// How the engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrConfig {
    /// Catalog name of the detection + recognition pair.
    pub model: String,
    /// Explicit models folder (else the catalog's search order).
    pub models_dir: Option<PathBuf>,
    /// Explicit ONNX Runtime library (else the resolver's search order).
    pub runtime_path: Option<PathBuf>,
    /// Intra-op threads per session.
    pub threads: usize,
    /// Resolution the detector sees, dpi.
    pub det_dpi: f32,
    pub db: DbParams,
    /// Turn pages upright with the orientation model (when installed).
    pub orientation: bool,
    /// Remove small rotations.
    pub deskew: bool,
    /// Lines per recognition batch (lines of similar width are batched together).
    pub rec_batch: usize,
    /// Lines whose mean character probability is below this are dropped (noise, stamps).
    pub drop_score: f32,
    /// Decode only Latin-script symbols (European invoices; see `ctc::is_latin_symbol`): the
    /// recognisers' output layers are cut to them ([`crate::output_layer`]).
    pub latin_only: bool,
    /// Horizontal scale of line crops before recognition (1 = aspect kept). Below 1 the
    /// recogniser sees narrower glyphs and fewer columns: its cost is linear in the width.
    pub rec_width_scale: f32,
    /// Stretch each line crop's contrast before recognition (faded scans).
    pub stretch_contrast: bool,
    /// Check each decoded line against its crop's ink: dropped word spaces, middle dots
    /// (see `ink`).
    pub ink_refine: bool,
    /// A second recogniser (catalog name) for the lines the first is unsure of: they are read
    /// again and the more confident reading is kept. `None`: one recogniser only.
    pub second_model: Option<String>,
    /// Mean character probability of a line below which the second recogniser reads it.
    pub second_below: f32,
    /// The detector runs on the page's inked bands, cut at blank gaps at least this high
    /// (inches); a gap higher than the page: one crop of the whole inked area.
    pub det_band_gap: f32,
}

impl OcrConfig {
    /// PP-OCRv6 tiny: the default.
    pub fn fast() -> Self {
        Self {
            model: FAST_MODEL.into(),
            models_dir: None,
            runtime_path: None,
            threads: 1,
            det_dpi: 100.0,
            // Small print (footers, 6–7 pt) at the detector's 100 dpi scores just under the
            // usual 0.5 and whole lines went missing. Measured on 69 scanned test-split pages:
            // CER 3.92 % → 3.81 %, 1,583 → 1,416 dropped characters, no extra time.
            db: DbParams {
                box_thresh: 0.4,
                ..DbParams::default()
            },
            orientation: true,
            deskew: true,
            // One line per run. Measured on 21 gallery pages, one thread: batch 1 → 408 ms
            // CPU/page, CER 1.81 %; 4 → 485 ms, 1.87 %; 8 → 512 ms, 1.99 %; 16 → 580 ms,
            // 2.15 %. Padding a batch to its widest line costs time and the recogniser reads
            // short lines worse next to padding; on one thread batching buys nothing.
            rec_batch: 1,
            drop_score: 0.5,
            latin_only: true,
            rec_width_scale: 1.0,
            // Measured on the scanned gallery: CER 3.88 % with, 3.59 % without (the
            // recogniser copes with faded crops better than with stretched noise).
            stretch_contrast: false,
            ink_refine: true,
            // Small, faded or blurred print (footers at 150 dpi) is where the tiny recogniser
            // fails; the small one reads it far better at ~4× the cost per line, and only a
            // few lines per page are that unsure. Measured on 69 scanned test-split pages, one
            // thread, both recognisers' output layers cut to the Latin symbols: below 0.85 →
            // 1.96 % CER / 427 ms CPU per page; 0.9 → 1.89 % / 453 ms; 0.92 → 1.81 % /
            // 483 ms (the second core busy alike). 0.9 keeps a margin under the 0.5 s budget
            // on a machine whose speed drifts by a tenth.
            second_model: Some(ACCURATE_MODEL.into()),
            second_below: 0.9,
            det_band_gap: 0.5,
        }
    }

    /// PP-OCRv6 small: fewer errors, about four times the time.
    pub fn accurate() -> Self {
        Self {
            model: ACCURATE_MODEL.into(),
            second_model: None,
            ..Self::fast()
        }
    }
}

/// What the engine is, for `doctor` and results.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrInfo {
    pub model: FoundModel,
    pub orientation: Option<FoundModel>,
    /// The second recogniser for unsure lines, when configured and installed.
    pub second: Option<FoundModel>,
    pub runtime: PathBuf,
    pub runtime_verified: bool,
    pub provider: &'static str,
    pub threads: usize,
    pub classes: usize,
}

/// Time spent per step on one page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OcrTimings {
    pub orientation: Duration,
    pub deskew: Duration,
    pub detection: Duration,
    pub recognition: Duration,
    pub total: Duration,
    /// CPU time of the calling thread for the whole page (Linux; `None` elsewhere). With one
    /// intra-op thread ONNX Runtime computes on the caller's thread, so this is the page's
    /// CPU cost independent of other load on the machine.
    pub cpu: Option<Duration>,
    pub lines: usize,
}

/// CPU time consumed by the current thread so far (`/proc/thread-self/schedstat`, ns).
pub fn thread_cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// PaddleOCR models in ONNX Runtime sessions. Sessions need exclusive access to run, so each
/// sits behind a mutex; one engine serves one page at a time.
pub struct OcrEngine {
    config: OcrConfig,
    det: Mutex<Session>,
    rec: Mutex<Session>,
    ori: Option<Mutex<Session>>,
    dict: Dictionary,
    /// The second recogniser and its dictionary (see [`OcrConfig::second_model`]).
    second: Option<(Mutex<Session>, Dictionary)>,
    info: OcrInfo,
}

impl std::fmt::Debug for OcrEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcrEngine")
            .field("info", &self.info)
            .finish()
    }
}

impl OcrEngine {
    /// Finds and verifies the models, loads ONNX Runtime, builds the sessions and checks the
    /// recogniser's class count against its dictionary.
    pub fn new(config: OcrConfig) -> Result<Self, MlError> {
        let catalog = Catalog::discover(config.models_dir.as_deref());
        let model = catalog.find(&config.model)?;
        let rt: RuntimeInfo = runtime::init(config.runtime_path.as_deref())?;
        let det = runtime::session(&model.file("det.onnx"), config.threads)?;
        let (rec, dict) = recogniser(&model, config.threads, config.latin_only)?;
        let classes = dict.classes();
        let mut second_model = None;
        let second = match config.second_model.as_deref() {
            Some(name) if name != config.model => match catalog.find(name) {
                Ok(m) => {
                    let (sess, d) = recogniser(&m, config.threads, config.latin_only)?;
                    second_model = Some(m);
                    Some((Mutex::new(sess), d))
                }
                Err(e) => {
                    tracing::warn!(
                        "second recogniser unavailable, unsure lines are read once: {e}"
                    );
                    None
                }
            },
            _ => None,
        };
        let (ori, ori_model) = if config.orientation {
            match catalog.find(ORIENTATION_MODEL) {
                Ok(m) => (
                    Some(Mutex::new(runtime::session(
                        &m.file("doc_ori.onnx"),
                        config.threads,
                    )?)),
                    Some(m),
                ),
                Err(e) => {
                    tracing::warn!(
                        "page orientation model unavailable, pages are read as they lie: {e}"
                    );
                    (None, None)
                }
            }
        } else {
            (None, None)
        };
        tracing::info!(model = %model.name, dir = %model.dir.display(), classes, threads = config.threads, provider = rt.provider.active.as_str(), "OCR engine ready");
        Ok(Self {
            info: OcrInfo {
                model,
                orientation: ori_model,
                second: second_model,
                runtime: rt.library,
                runtime_verified: rt.verified,
                provider: rt.provider.active.as_str(),
                threads: config.threads.max(1),
                classes,
            },
            config,
            det: Mutex::new(det),
            rec: Mutex::new(rec),
            ori,
            dict,
            second,
        })
    }

    pub fn info(&self) -> &OcrInfo {
        &self.info
    }

    pub fn config(&self) -> &OcrConfig {
        &self.config
    }

    pub fn dictionary(&self) -> &Dictionary {
        &self.dict
    }

    /// Recognises a page and reports the time of each step.
    pub fn recognize_timed(
        &self,
        image: &RgbImage,
        dpi: f32,
        page_index: u32,
    ) -> Result<(OcrPage, OcrTimings), MlError> {
        let start = Instant::now();
        let cpu_start = thread_cpu_time();
        let mut t = OcrTimings::default();
        let (w, h) = image.dimensions();
        if w < 8 || h < 8 {
            return Err(MlError::Image(format!(
                "page {} is only {w} × {h} pixels",
                page_index + 1
            )));
        }
        // One small copy at the detector's resolution serves orientation, deskew and detection.
        let scale = (self.config.det_dpi / dpi).min(1.0);
        let small_size = |w: u32, h: u32| {
            (
                ((w as f32 * scale).round() as u32).max(32),
                ((h as f32 * scale).round() as u32).max(32),
            )
        };
        let (sw, sh) = small_size(w, h);
        let grey = GreyPlane::of(image);
        let mut small = match &grey {
            Some(g) => downscale_grey(g, sw, sh),
            None => downscale(image, sw, sh),
        };

        // 1. Orientation: the full page is turned only when the model is sure. Without the
        // model, or when it is unsure, the page is checked for being upside down by reading
        // a few lines both ways (below, after detection).
        let mut orientation = 0u16;
        let mut turned: Option<RgbImage> = None;
        let mut settled = false;
        if let Some(ori) = &self.ori {
            let t0 = Instant::now();
            let (angle, sure) = self.orientation(ori, &small)?;
            settled = sure;
            if sure && angle != 0 {
                orientation = angle;
                turned = Some(turn(image, angle));
                small = turn(&small, angle);
            }
            t.orientation = t0.elapsed();
        }

        // 2.–3. Deskew and detection.
        let (mut skew, mut lines) =
            self.locate(turned.as_ref().unwrap_or(image), &small, &mut t)?;
        if !settled {
            let t0 = Instant::now();
            let page = turned.as_ref().unwrap_or(image);
            if self.upside_down(page, &lines)? {
                orientation = (orientation + 180) % 360;
                turned = Some(turn(page, 180));
                small = turn(&small, 180);
                (skew, lines) = self.locate(turned.as_ref().unwrap_or(image), &small, &mut t)?;
            }
            t.orientation += t0.elapsed();
        }
        let page = turned.as_ref().unwrap_or(image);
        let (pw, ph) = page.dimensions();

        // 4. Recognition.
        let t0 = Instant::now();
        let grey = match (&turned, grey) {
            (None, grey) => grey,
            (Some(t), Some(_)) => GreyPlane::of(t),
            (Some(_), None) => None,
        };
        let mut words = self.recognize_lines(page, grey.as_ref(), &lines, dpi)?;
        crate::ctc::harmonise_decimal_separators(&mut words);
        t.recognition = t0.elapsed();
        t.lines = lines.len();
        t.total = start.elapsed();
        t.cpu = thread_cpu_time()
            .zip(cpu_start)
            .map(|(b, a)| b.saturating_sub(a));

        let size = pixels_to_points(0.0, 0.0, pw as f32, ph as f32, dpi);
        Ok((
            OcrPage {
                words,
                width: size.width(),
                height: size.height(),
                orientation,
                skew_degrees: skew,
            },
            t,
        ))
    }

    /// Deskew (measured on the small copy) and detection: the text lines, each with its box in
    /// the upright, deskewed frame and on `page` as it lies, and the skew removed.
    fn locate(
        &self,
        page: &RgbImage,
        small: &RgbImage,
        t: &mut OcrTimings,
    ) -> Result<(f32, Vec<Line>), MlError> {
        let (pw, ph) = page.dimensions();
        // Measured and undone on the small copy only; recognition samples the full page
        // along the rotated boxes, so the full page is never resampled.
        let mut skew = 0.0f32;
        let mut straight: Option<RgbImage> = None;
        if self.config.deskew {
            let t0 = Instant::now();
            let grey = imageops::grayscale(small);
            skew = deskew::estimate_skew(&grey, deskew::MAX_SKEW_DEGREES);
            if skew.abs() >= deskew::MIN_CORRECTION_DEGREES {
                // A grey scan (most are) is turned as one channel: a third of the work.
                let is_grey = small.pixels().all(|p| p.0[0] == p.0[1] && p.0[1] == p.0[2]);
                straight = Some(if is_grey {
                    let turned = sapllm_document::raster::rotate(&grey, -skew, image::Luma([255]));
                    let (w, h) = turned.dimensions();
                    let rgb: Vec<u8> = turned
                        .into_raw()
                        .into_iter()
                        .flat_map(|g| [g, g, g])
                        .collect();
                    RgbImage::from_raw(w, h, rgb).unwrap_or_else(|| deskew::rotate(small, -skew))
                } else {
                    deskew::rotate(small, -skew)
                });
            } else {
                skew = 0.0;
            }
            t.deskew += t0.elapsed();
        }
        let small = straight.as_ref().unwrap_or(small);
        let t0 = Instant::now();
        let found = self.detect(small)?;
        let (fx, fy) = (
            pw as f32 / small.width() as f32,
            ph as f32 / small.height() as f32,
        );
        let lines: Vec<Line> = found
            .into_iter()
            .map(|b| {
                // Upright, deskewed page frame (words are placed here)…
                let frame = TextBox {
                    corners: b.corners.map(|[x, y]| [x * fx, y * fy]),
                    score: b.score,
                };
                // …and where those points are on the page as it lies (pixels are read there).
                let sample = if skew == 0.0 {
                    frame
                } else {
                    TextBox {
                        corners: frame.corners.map(|[x, y]| {
                            let (sx, sy) = deskew::source_point(x, y, pw, ph, -skew);
                            [sx, sy]
                        }),
                        score: b.score,
                    }
                };
                Line { frame, sample }
            })
            .collect();
        let lines = if self.config.ink_refine {
            join_leaders(page, lines)
        } else {
            lines
        };
        t.detection += t0.elapsed();
        Ok((skew, lines))
    }

    /// Whether the page reads better turned by 180°: the widest lines (up to
    /// [`FLIP_CHECK_LINES`]) are recognised as they lie and turned (the same box sampled from
    /// its opposite corner), and the mean character probabilities compared. Text read upside
    /// down still decodes to something, but with clearly lower confidence.
    fn upside_down(&self, page: &RgbImage, lines: &[Line]) -> Result<bool, MlError> {
        let mut widest: Vec<&Line> = lines
            .iter()
            .filter(|l| l.sample.height() >= 4.0 && l.sample.width() >= 2.0 * l.sample.height())
            .collect();
        widest.sort_by(|a, b| b.sample.width().total_cmp(&a.sample.width()));
        widest.truncate(FLIP_CHECK_LINES);
        if widest.is_empty() {
            return Ok(false);
        }
        let (mut upright, mut flipped) = (0.0f32, 0.0f32);
        for l in &widest {
            let [tl, tr, br, bl] = l.sample.corners;
            let turned = TextBox {
                corners: [br, bl, tl, tr],
                score: l.sample.score,
            };
            upright += self.read_line(page, &l.sample)?;
            flipped += self.read_line(page, &turned)?;
        }
        let n = widest.len() as f32;
        let (upright, flipped) = (upright / n, flipped / n);
        tracing::debug!(upright, flipped, "upside-down check");
        Ok(flipped > upright + FLIP_MARGIN)
    }

    /// Mean character probability of one line read from `page` along `b`.
    fn read_line(&self, page: &RgbImage, b: &TextBox) -> Result<f32, MlError> {
        let ratio = (b.width() / b.height().max(1.0)).min(REC_MAX_RATIO);
        let w = ((REC_HEIGHT as f32 * ratio).ceil() as u32).max(8);
        let mut input = Array4::<f32>::zeros((1, 3, REC_HEIGHT as usize, w as usize));
        sample_line(&mut input, 0, page, b, w, self.config.stretch_contrast);
        let mut sess = self
            .rec
            .lock()
            .map_err(|_| MlError::Inference("recognition session poisoned".into()))?;
        let out = sess.run(ort::inputs![TensorRef::from_array_view(&input)?])?;
        let (shape, data) = out[0].try_extract_tensor::<f32>()?;
        let dims: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        let [_, steps, classes] = dims.as_slice() else {
            return Err(MlError::BadModel(format!(
                "recogniser output shape {dims:?}"
            )));
        };
        Ok(greedy_decode(data, *steps, *classes, &self.dict).confidence())
    }

    /// Clockwise rotation the page has (0/90/180/270). Below 0.9 confidence the page is taken
    /// as it lies: turning a correct page is worse than leaving a turned one.
    fn orientation(&self, ori: &Mutex<Session>, image: &RgbImage) -> Result<(u16, bool), MlError> {
        // As the model was trained: short side to 256, centre crop 224, ImageNet statistics.
        let (w, h) = image.dimensions();
        let s = 256.0 / w.min(h) as f32;
        let (rw, rh) = (
            ((w as f32 * s).round() as u32).max(224),
            ((h as f32 * s).round() as u32).max(224),
        );
        let small = imageops::thumbnail(image, rw, rh);
        let (ox, oy) = ((rw - 224) / 2, (rh - 224) / 2);
        let mut input = Array4::<f32>::zeros((1, 3, 224, 224));
        fill_normalised(&mut input, 0, &small, ox, oy, 224, 224, IMAGENET);
        let probs = {
            let mut sess = ori
                .lock()
                .map_err(|_| MlError::Inference("orientation session poisoned".into()))?;
            let out = sess.run(ort::inputs![TensorRef::from_array_view(&input)?])?;
            let (_, data) = out[0].try_extract_tensor::<f32>()?;
            data.to_vec()
        };
        let Some((best, p)) = probs
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
        else {
            return Ok((0, false));
        };
        let angle = [0u16, 90, 180, 270].get(best).copied().unwrap_or(0);
        tracing::debug!(angle, p, "page orientation");
        Ok((angle, p >= 0.9))
    }

    /// Text boxes in the coordinates of `small`. Only inked areas go through the detector,
    /// padded with paper to multiples of 32 (the network halves the resolution five times):
    /// margins and the blank space between bands cost time and hold no text. The padding is
    /// the page's paper grey: white padding drew an edge around each band, and detection near
    /// it got worse (measured on 69 scanned test-split pages: 1,704 → 1,565 wrong characters).
    fn detect(&self, small: &RgbImage) -> Result<Vec<TextBox>, MlError> {
        let (bands, paper) = ink_bands(small, self.config.det_dpi, self.config.det_band_gap);
        let mut boxes = Vec::new();
        for (x0, y0, x1, y1) in bands {
            boxes.extend(self.detect_in(small, paper, x0, y0, x1 - x0, y1 - y0)?);
        }
        Ok(boxes)
    }

    /// Text boxes of the `cw × ch` window at (`x0`, `y0`) of `small`, in `small`'s
    /// coordinates.
    fn detect_in(
        &self,
        small: &RgbImage,
        paper: u8,
        x0: u32,
        y0: u32,
        cw: u32,
        ch: u32,
    ) -> Result<Vec<TextBox>, MlError> {
        let (dw, dh) = (cw.div_ceil(32) * 32, ch.div_ceil(32) * 32);
        let mut input = Array4::<f32>::zeros((1, 3, dh as usize, dw as usize));
        // Paper outside the crop, as grey as the page's: white would draw an edge around it.
        let paper = f32::from(paper) / 255.0;
        for c in 0..3 {
            input
                .index_axis_mut(ndarray::Axis(1), c)
                .fill((paper - IMAGENET.0[c]) / IMAGENET.1[c]);
        }
        fill_normalised(&mut input, 0, small, x0, y0, cw, ch, IMAGENET);
        let (map, mw, mh) = {
            let mut sess = self
                .det
                .lock()
                .map_err(|_| MlError::Inference("detection session poisoned".into()))?;
            let out = sess.run(ort::inputs![TensorRef::from_array_view(&input)?])?;
            let (shape, data) = out[0].try_extract_tensor::<f32>()?;
            let dims: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
            let (mh, mw) = match dims.as_slice() {
                [_, _, mh, mw] => (*mh, *mw),
                other => {
                    return Err(MlError::BadModel(format!(
                        "detector output shape {other:?}"
                    )));
                }
            };
            (data.to_vec(), mw, mh)
        };
        let mut boxes = boxes_from_map(&map, mw, mh, dw as f32, dh as f32, &self.config.db);
        for b in &mut boxes {
            for c in &mut b.corners {
                c[0] += x0 as f32;
                c[1] += y0 as f32;
            }
        }
        Ok(boxes)
    }

    fn recognize_lines(
        &self,
        page: &RgbImage,
        grey: Option<&GreyPlane>,
        lines: &[Line],
        dpi: f32,
    ) -> Result<Vec<Word>, MlError> {
        // Similar aspect ratios share a batch, so little of a batch is padding.
        let boxes: Vec<TextBox> = lines.iter().map(|l| l.sample).collect();
        let mut order: Vec<usize> = (0..boxes.len())
            .filter(|&i| boxes[i].height() >= 2.0)
            .collect();
        let ratio = |b: &TextBox| (b.width() / b.height().max(1.0)).min(REC_MAX_RATIO);
        order.sort_by(|&a, &b| ratio(&boxes[a]).total_cmp(&ratio(&boxes[b])));
        let mut words: Vec<(usize, Vec<Word>)> = Vec::new();
        // Contrast stretch is written for colour crops.
        let grey = grey.filter(|_| !self.config.stretch_contrast);
        for chunk in order.chunks(self.config.rec_batch.max(1)) {
            let widths: Vec<u32> = chunk
                .iter()
                .map(|&i| {
                    ((REC_HEIGHT as f32 * ratio(&boxes[i]) * self.config.rec_width_scale).ceil()
                        as u32)
                        .max(8)
                })
                .collect();
            let bw = widths.iter().copied().max().unwrap_or(8);
            tracing::trace!(lines = chunk.len(), width = bw, "recognition batch");
            let mut input =
                Array4::<f32>::zeros((chunk.len(), 3, REC_HEIGHT as usize, bw as usize));
            for (k, &i) in chunk.iter().enumerate() {
                match grey {
                    Some(g) => sample_line_grey(&mut input, k, g, &boxes[i], widths[k]),
                    None => sample_line(
                        &mut input,
                        k,
                        page,
                        &boxes[i],
                        widths[k],
                        self.config.stretch_contrast,
                    ),
                }
            }
            let (decoded_lines, steps) = read_batch(&self.rec, &self.dict, &input, chunk.len())?;
            for ((k, &i), decoded) in chunk.iter().enumerate().zip(decoded_lines) {
                let Some(mut decoded) = decoded else {
                    continue;
                };
                let wk = widths[k] as usize;
                // Crop pixels per output time step of the reading kept.
                let mut step_px = bw as f32 / steps as f32;
                self.polish(&mut decoded, &input, k, wk, step_px);
                // An unsure line is read again by the second recogniser (one line at a time:
                // few lines are unsure, and the crop is already in `input`).
                if let Some((sess, dict)) = &self.second {
                    if !decoded.chars.is_empty() && decoded.confidence() < self.config.second_below
                    {
                        let one = input
                            .slice_axis(ndarray::Axis(0), ndarray::Slice::from(k..k + 1))
                            .slice_axis(ndarray::Axis(3), ndarray::Slice::from(0..wk))
                            .to_owned();
                        let (mut again, steps2) = read_batch(sess, dict, &one, 1)?;
                        if let Some(mut again) = again.pop().flatten() {
                            let step2 = wk as f32 / steps2 as f32;
                            self.polish(&mut again, &one, 0, wk, step2);
                            tracing::trace!(first = %decoded.text(), second = %again.text(), "second reading");
                            if again.confidence() > decoded.confidence() {
                                decoded = again;
                                step_px = step2;
                            }
                        }
                    }
                }
                if decoded.chars.is_empty() || decoded.confidence() < self.config.drop_score {
                    continue;
                }
                // A ruling line the detector took for text ("------", or "- - - -" once
                // gaps became spaces) is not words.
                if is_rule(&decoded.text().replace(' ', "")) {
                    continue;
                }
                let line_words = decoded
                    .words()
                    .into_iter()
                    .filter(|dw| !is_rule(&dw.text))
                    .map(|dw| {
                        // CTC peaks sit slightly left of a glyph's middle (measured against
                        // text-layer boxes: +0.5 put words ~1 pt right).
                        let centre = |s: usize| (s as f32 + 0.1) * step_px;
                        let (c0, c1) = (centre(dw.first_step), centre(dw.last_step));
                        // Half a character beyond the first and last peaks.
                        let pitch = if dw.chars > 1 {
                            (c1 - c0) / (dw.chars - 1) as f32
                        } else {
                            REC_HEIGHT as f32 * 0.5
                        };
                        let x0 = (c0 - pitch / 2.0).clamp(0.0, widths[k] as f32);
                        let x1 = (c1 + pitch / 2.0).clamp(0.0, widths[k] as f32);
                        let (bx0, by0, bx1, by1) = sub_box(
                            &lines[i].frame,
                            x0 / widths[k] as f32,
                            x1 / widths[k] as f32,
                        );
                        Word {
                            text: dw.text,
                            bbox: pixels_to_points(bx0, by0, bx1, by1, dpi),
                            confidence: dw.confidence,
                        }
                    })
                    .collect();
                words.push((i, line_words));
            }
        }
        // Back to reading order (the detector's).
        words.sort_by_key(|(i, _)| *i);
        Ok(words.into_iter().flat_map(|(_, w)| w).collect())
    }
}

impl OcrEngine {
    /// Context fixes of a decoded line: confusable glyphs by their neighbours, then (when
    /// configured) dropped spaces and middle dots from the ink of batch item `k` of `input`
    /// (`w` columns, `step_px` crop pixels per time step), then spaces typography never sets.
    fn polish(
        &self,
        decoded: &mut crate::ctc::Decoded,
        input: &Array4<f32>,
        k: usize,
        w: usize,
        step_px: f32,
    ) {
        crate::ctc::resolve_confusables(decoded);
        crate::ctc::resolve_abbreviations(decoded);
        crate::ctc::resolve_litre(decoded);
        crate::ctc::resolve_case(decoded);
        if self.config.ink_refine {
            if let Some(ink) = crop_ink(input, k, w) {
                ink::refine(decoded, &ink, step_px);
            }
        }
        crate::ctc::resolve_spacing(decoded);
    }
}

/// Runs a recogniser on a batch of `n` line crops and decodes each (greedy CTC; `None` for
/// an item the output does not cover), with the number of time steps per line. Decoded while
/// the output is borrowed from the session: copying it out would move ~T × 7000 floats per
/// line for nothing.
fn read_batch(
    rec: &Mutex<Session>,
    dict: &Dictionary,
    input: &Array4<f32>,
    n: usize,
) -> Result<(Vec<Option<crate::ctc::Decoded>>, usize), MlError> {
    let mut sess = rec
        .lock()
        .map_err(|_| MlError::Inference("recognition session poisoned".into()))?;
    let out = sess.run(ort::inputs![TensorRef::from_array_view(input)?])?;
    let (shape, data) = out[0].try_extract_tensor::<f32>()?;
    let (steps, classes) = match shape
        .iter()
        .map(|&d| d.max(0) as usize)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [_, t, c] => (*t, *c),
        other => {
            return Err(MlError::BadModel(format!(
                "recogniser output shape {other:?}"
            )));
        }
    };
    if classes != dict.classes() {
        return Err(MlError::BadModel(format!(
            "recogniser emits {classes} classes, dictionary has {}",
            dict.classes()
        )));
    }
    let lines = (0..n)
        .map(|k| {
            data.get(k * steps * classes..(k + 1) * steps * classes)
                .map(|rows| greedy_decode(rows, steps, classes, dict))
        })
        .collect();
    Ok((lines, steps))
}

/// A model's recogniser session and its dictionary, checked against each other. With
/// `latin_only`, the recogniser's output layer is cut to the blank and the Latin-script symbols
/// ([`crate::output_layer`]: a quarter of the tiny recogniser's time went into classes
/// decoding never chose), and only that session is built; if the cut fails, the whole model
/// runs and decoding is restricted.
fn recogniser(
    model: &FoundModel,
    threads: usize,
    latin_only: bool,
) -> Result<(Session, Dictionary), MlError> {
    let path = model.file("rec.onnx");
    let text = std::fs::read_to_string(model.file("dict.txt"))?;
    if latin_only {
        let bytes = std::fs::read(&path)?;
        if let Some(classes) = crate::output_layer::declared_classes(&bytes) {
            let dict = Dictionary::from_paddle(&text, classes)?;
            let keep: Vec<usize> = (0..classes)
                .filter(|&i| i == 0 || dict.symbol(i).is_some_and(is_latin_symbol))
                .collect();
            let cut = crate::output_layer::cut(&bytes, classes, &keep)
                .and_then(|bytes| {
                    let what = format!(
                        "{} (output layer cut to {} classes)",
                        path.display(),
                        keep.len()
                    );
                    runtime::session_from_memory(&bytes, threads, &what)
                })
                .and_then(|sess| match rec_classes(&sess)? {
                    n if n == keep.len() => Ok(sess),
                    n => Err(MlError::BadModel(format!(
                        "the cut recogniser emits {n} classes, not {}",
                        keep.len()
                    ))),
                });
            match cut {
                Ok(sess) => return Ok((sess, dict.select(&keep))),
                Err(e) => tracing::warn!("recogniser runs with its whole output layer: {e}"),
            }
        }
    }
    let whole = runtime::session(&path, threads)?;
    let dict = Dictionary::from_paddle(&text, rec_classes(&whole)?)?;
    Ok((
        whole,
        if latin_only {
            dict.restrict(is_latin_symbol)
        } else {
            dict
        },
    ))
}

impl TextRecognizer for OcrEngine {
    /// `ocr.<model>/<package>-<version> det:<sha256[..12]> rec:<sha256[..12]>/<classes>`,
    /// plus the orientation model's and the second recogniser's when they are used: the exact
    /// weights, and output classes, that read a document.
    fn name(&self) -> String {
        let short = |model: &str, file: &str| {
            crate::catalog::pins()
                .into_iter()
                .find(|p| p.model == model && p.file == file)
                .map(|p| p.sha256.chars().take(12).collect::<String>())
                .unwrap_or_else(|| "unpinned".into())
        };
        let m = &self.info.model.name;
        // The class count after the weights: a recogniser whose output layer was cut to the
        // Latin symbols computes other probabilities than the whole one.
        let mut name = format!(
            "ocr.{m}/{} det:{} rec:{}/{}",
            self.info.model.source.replace(' ', "-"),
            short(m, "det.onnx"),
            short(m, "rec.onnx"),
            self.dict.classes()
        );
        if let Some(o) = &self.info.orientation {
            name.push_str(&format!(" ori:{}", short(&o.name, "doc_ori.onnx")));
        }
        if let (Some(r), Some((_, d))) = (&self.info.second, &self.second) {
            name.push_str(&format!(
                " rec2:{}/{}",
                short(&r.name, "rec.onnx"),
                d.classes()
            ));
        }
        name
    }

    fn recognize(&self, image: &RgbImage, dpi: f32, page_index: u32) -> Result<OcrPage, MlError> {
        self.recognize_timed(image, dpi, page_index).map(|(p, _)| p)
    }
}

/// The page turned clockwise by `angle` degrees' worth of correction, as the orientation
/// step applies it (90 → a quarter turn counter-clockwise, and so on).
fn turn(img: &RgbImage, angle: u16) -> RgbImage {
    match angle {
        90 => imageops::rotate270(img),
        180 => imageops::rotate180(img),
        270 => imageops::rotate90(img),
        _ => img.clone(),
    }
}

/// Lines compared both ways up by the upside-down check.
const FLIP_CHECK_LINES: usize = 6;
/// How much more confident the turned reading must be (mean character probability).
const FLIP_MARGIN: f32 = 0.1;

/// A run of dashes or equals signs: a ruling line the detector took for text, not a word.
fn is_rule(text: &str) -> bool {
    text.chars().count() >= 3
        && text
            .chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '~' | '–' | '—'))
}

/// A detected text line: its box in the upright, deskewed page frame and the same box on the
/// page as it lies (where its pixels are sampled).
#[derive(Debug, Clone, Copy)]
struct Line {
    frame: TextBox,
    sample: TextBox,
}

/// Two detected lines on one row with a dot leader between them (`Net total` and
/// `: 26,942.54`, the dots in between too small and sparse for the detector) become one line,
/// so the recogniser reads the leader and [`crate::ink`] gives it as many dots as it has.
/// A pair is joined only when the gap's ink is a run of evenly spaced baseline dots.
fn join_leaders(page: &RgbImage, lines: Vec<Line>) -> Vec<Line> {
    let bounds = |l: &Line| l.frame.bounds();
    // next[i]: the line `i` is joined to (its nearest neighbour to the right, leader between).
    let mut next: Vec<Option<usize>> = vec![None; lines.len()];
    for (i, a) in lines.iter().enumerate() {
        let (_, ay0, ax1, ay1) = bounds(a);
        let ah = ay1 - ay0;
        // The nearest line to the right on the same row, of a similar height.
        let mut best: Option<(usize, f32)> = None;
        for (j, b) in lines.iter().enumerate() {
            let (bx0, by0, bx1, by1) = bounds(b);
            let bh = by1 - by0;
            let overlap = ay1.min(by1) - ay0.max(by0);
            let gap = bx0 - ax1;
            if j == i
                || bx1 <= ax1
                || overlap < 0.6 * ah.min(bh)
                || bh > 1.4 * ah
                || ah > 1.4 * bh
                || gap < 0.5 * ah
                || gap > 30.0 * ah
            {
                continue;
            }
            if best.is_none_or(|(_, g)| gap < g) {
                best = Some((j, gap));
            }
        }
        let Some((j, _)) = best else {
            continue;
        };
        let b = &lines[j];
        if !gap_has_low_specks(page, &a.sample, &b.sample) {
            continue;
        }
        let (merged_frame, merged_sample) = (span(&a.frame, &b.frame), span(&a.sample, &b.sample));
        let (mx0, _, mx1, _) = merged_frame.bounds();
        let ratio = merged_sample.width() / merged_sample.height().max(1.0);
        if ratio > REC_MAX_RATIO {
            continue;
        }
        let w = ((REC_HEIGHT as f32 * ratio).ceil() as u32).max(8);
        let mut input = Array4::<f32>::zeros((1, 3, REC_HEIGHT as usize, w as usize));
        sample_line(&mut input, 0, page, &merged_sample, w, true);
        let Some(ink) = crop_ink(&input, 0, w as usize) else {
            continue;
        };
        let col = |x: f32| ((x - mx0) / (mx1 - mx0).max(1.0) * w as f32) as usize;
        // One line joins a given line from the left at most, so chains never share members.
        if !next.contains(&Some(j)) && !ink.leader_dots(col(ax1), col(bounds(b).0)).is_empty() {
            next[i] = Some(j);
        }
    }
    if next.iter().all(Option::is_none) {
        return lines;
    }
    // Chains a → b → c become one line each, in the place of their first member.
    let mut has_prev = vec![false; lines.len()];
    for j in next.iter().flatten() {
        has_prev[*j] = true;
    }
    let mut out = Vec::with_capacity(lines.len());
    for i in 0..lines.len() {
        if has_prev[i] {
            continue;
        }
        // Ends: every join goes to a line whose right edge lies further right.
        let mut last = i;
        while let Some(j) = next[last] {
            last = j;
        }
        out.push(if last == i {
            lines[i]
        } else {
            Line {
                frame: span(&lines[i].frame, &lines[last].frame),
                sample: span(&lines[i].sample, &lines[last].sample),
            }
        });
    }
    out
}

/// A cheap look at the page between two lines before the leader check proper (which samples
/// the joined line as the recogniser would, ~0.5 ms a pair): at least three separate specks of
/// ink in the lower half of the gap and (almost) none in its upper third.
fn gap_has_low_specks(page: &RgbImage, a: &TextBox, b: &TextBox) -> bool {
    let (pw, ph) = page.dimensions();
    let x0 = a.corners[1][0].max(a.corners[2][0]) + 2.0;
    let x1 = b.corners[0][0].min(b.corners[3][0]) - 2.0;
    let top = (a.corners[1][1] + b.corners[0][1]) / 2.0;
    let bottom = (a.corners[2][1] + b.corners[3][1]) / 2.0;
    if x1 - x0 < 4.0 || bottom - top < 4.0 {
        return false;
    }
    let clamp_x = |v: f32| (v.max(0.0) as u32).min(pw);
    let clamp_y = |v: f32| (v.max(0.0) as u32).min(ph);
    let (x0, x1) = (clamp_x(x0), clamp_x(x1));
    let (y0, y1) = (clamp_y(top), clamp_y(bottom));
    let h = y1.saturating_sub(y0);
    if x1 <= x0 || h < 4 {
        return false;
    }
    let grey = |x: u32, y: u32| u32::from(page.get_pixel(x, y).0[1]);
    // Paper: the gap is mostly paper, so its median.
    let mut sample: Vec<u32> = (y0..y1)
        .step_by(2)
        .flat_map(|y| (x0..x1).step_by(2).map(move |x| (x, y)))
        .map(|(x, y)| grey(x, y))
        .collect();
    if sample.is_empty() {
        return false;
    }
    let mid = sample.len() / 2;
    let paper = *sample.select_nth_unstable(mid).1;
    let dark = |x: u32, y: u32| grey(x, y) + 50 < paper;
    let upper_end = y0 + h / 3;
    let upper_dark = (y0..upper_end)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| dark(x, y))
        .count();
    if upper_dark * 12 > ((x1 - x0) * (upper_end - y0)) as usize {
        return false;
    }
    let lower = y0 + h / 2..y1;
    let mut specks = 0;
    let mut inked = false;
    for x in x0..x1 {
        let col = lower.clone().any(|y| dark(x, y));
        if col && !inked {
            specks += 1;
        }
        inked = col;
    }
    specks >= 3
}

/// The box from `a`'s left edge to `b`'s right edge.
fn span(a: &TextBox, b: &TextBox) -> TextBox {
    TextBox {
        corners: [a.corners[0], b.corners[1], b.corners[2], a.corners[3]],
        score: a.score.min(b.score),
    }
}

/// Area-averaging downscale to `dw × dh` (each output pixel is the mean of the source pixels
/// it covers). Much cheaper than a general resampling filter and right for text, which must
/// not alias into speckles.
pub fn downscale(img: &RgbImage, dw: u32, dh: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if dw >= w || dh >= h {
        return img.clone();
    }
    let raw = downscale_raw(
        img.as_raw(),
        w as usize,
        h as usize,
        3,
        dw as usize,
        dh as usize,
    );
    RgbImage::from_raw(dw, dh, raw).unwrap_or_else(|| img.clone())
}

/// [`downscale`] of a grey page: one channel averaged, then copied to three.
fn downscale_grey(page: &GreyPlane, dw: u32, dh: u32) -> RgbImage {
    let (w, h) = (page.w, page.h);
    let (dw, dh) = (dw as usize, dh as usize);
    let (grey, ow, oh) = if dw >= w || dh >= h {
        (page.raw.clone(), w, h)
    } else {
        (downscale_raw(&page.raw, w, h, 1, dw, dh), dw, dh)
    };
    let rgb: Vec<u8> = grey.into_iter().flat_map(|g| [g, g, g]).collect();
    RgbImage::from_raw(ow as u32, oh as u32, rgb).unwrap_or_default()
}

/// Area-averaging downscale of interleaved 8-bit pixels with `ch` channels. The source rows
/// of an output row are summed first (one flat pass the compiler vectorises), then each
/// output pixel's columns.
fn downscale_raw(raw: &[u8], w: usize, h: usize, ch: usize, dw: usize, dh: usize) -> Vec<u8> {
    let bounds = |n: usize, dn: usize| -> Vec<(usize, usize)> {
        (0..dn)
            .map(|i| {
                let a = (i as u64 * n as u64 / dn as u64) as usize;
                let b = (((i + 1) as u64 * n as u64 / dn as u64) as usize).max(a + 1);
                (a, b.min(n))
            })
            .collect()
    };
    let xb = bounds(w, dw);
    let yb = bounds(h, dh);
    let stride = w * ch;
    let mut out = vec![0u8; dw * dh * ch];
    let mut column_sums = vec![0u32; stride];
    for (oy, &(ya, yb_)) in yb.iter().enumerate() {
        column_sums.iter_mut().for_each(|v| *v = 0);
        for y in ya..yb_ {
            let row = &raw[y * stride..(y + 1) * stride];
            for (a, &v) in column_sums.iter_mut().zip(row) {
                *a += u32::from(v);
            }
        }
        let orow = &mut out[oy * dw * ch..(oy + 1) * dw * ch];
        for (ox, &(xa, xb_)) in xb.iter().enumerate() {
            let n = ((xb_ - xa) * (yb_ - ya)) as u32;
            for c in 0..ch {
                let sum: u32 = column_sums[xa * ch + c..xb_ * ch].iter().step_by(ch).sum();
                orow[ox * ch + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// The inked bands of a page image at `dpi`, as `(x0, y0, x1, y1)`, and the paper's grey
/// level. Rows of ink separated by less than `gap_inch` of blank paper form one band (a
/// paragraph, a table, the footer), trimmed left and right to its ink and grown by
/// [`BAND_MARGIN_INCH`] of paper (at most half the gap to the next band, so no text is seen
/// twice). Invoices are mostly blank paper between a few such bands, and the detector's cost is
/// its input's area.
fn ink_bands(img: &RgbImage, dpi: f32, gap_inch: f32) -> (Vec<(u32, u32, u32, u32)>, u8) {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let grey: Vec<u8> = img
        .pixels()
        .map(|p| ((u32::from(p.0[0]) * 3 + u32::from(p.0[1]) * 6 + u32::from(p.0[2])) / 10) as u8)
        .collect();
    // A 3 × 3 mean first: scanner noise averages out, faint strokes do not.
    let grey = box_mean3(&grey, wu, hu);
    let mut hist = [0usize; 256];
    for &g in &grey {
        hist[g as usize] += 1;
    }
    // Paper: the commonest light grey. Ink: clearly darker than it, so faint small print on
    // grey paper counts and scanner noise mostly does not.
    let paper = (128..256).max_by_key(|&i| hist[i]).unwrap_or(255);
    let limit = (paper as i32 - BAND_INK_CONTRAST).max(0) as u8;
    let gap = ((gap_inch * dpi).round() as usize).max(4);
    let margin = ((BAND_MARGIN_INCH * dpi).round() as usize).max(2);

    let mut bands: Vec<(usize, usize)> = Vec::new();
    for y in 0..hu {
        if !grey[y * wu..(y + 1) * wu].iter().any(|&g| g < limit) {
            continue;
        }
        match bands.last_mut() {
            Some(last) if y - last.1 < gap => last.1 = y + 1,
            _ => bands.push((y, y + 1)),
        }
    }
    let mut out = Vec::with_capacity(bands.len());
    for (k, &(y0, y1)) in bands.iter().enumerate() {
        let inked = |x: usize| (y0..y1).any(|y| grey[y * wu + x] < limit);
        let (Some(x0), Some(x1)) = ((0..wu).find(|&x| inked(x)), (0..wu).rfind(|&x| inked(x)))
        else {
            continue;
        };
        let above = k
            .checked_sub(1)
            .map_or(0, |p| (bands[p].1 + y0).div_ceil(2));
        let below = bands.get(k + 1).map_or(hu, |n| (y1 + n.0) / 2);
        out.push((
            x0.saturating_sub(margin) as u32,
            y0.saturating_sub(margin).max(above) as u32,
            (x1 + 1 + margin).min(wu) as u32,
            (y1 + margin).min(below) as u32,
        ));
    }
    (out, paper as u8)
}

/// Paper kept around a band, inches.
const BAND_MARGIN_INCH: f32 = 0.16;
/// Grey levels below the paper that count as ink when finding bands.
const BAND_INK_CONTRAST: i32 = 16;

/// 3 × 3 mean of a grey image (edges use the pixels that exist).
fn box_mean3(grey: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut rows = vec![0u16; w * h];
    for y in 0..h {
        let r = &grey[y * w..(y + 1) * w];
        for x in 0..w {
            let (a, b) = (x.saturating_sub(1), (x + 2).min(w));
            rows[y * w + x] =
                r[a..b].iter().map(|&v| u16::from(v)).sum::<u16>() * 3 / (b - a) as u16;
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let (a, b) = (y.saturating_sub(1), (y + 2).min(h));
        for x in 0..w {
            let sum: u32 = (a..b).map(|yy| u32::from(rows[yy * w + x])).sum();
            out[y * w + x] = (sum / (3 * (b - a) as u32)) as u8;
        }
    }
    out
}

/// Classes of the recogniser's output (last dimension).
fn rec_classes(rec: &Session) -> Result<usize, MlError> {
    let out = rec
        .outputs()
        .first()
        .ok_or_else(|| MlError::BadModel("the recogniser has no output".into()))?;
    let dims = out
        .dtype()
        .tensor_shape()
        .map(|s| s.iter().copied().collect::<Vec<i64>>())
        .unwrap_or_default();
    match dims.last() {
        Some(&c) if c > 0 => Ok(c as usize),
        _ => Err(MlError::BadModel(format!(
            "the recogniser's class count is not fixed: {dims:?}"
        ))),
    }
}

/// (mean, std) per input channel in model order (B, G, R: the models were trained on OpenCV's
/// BGR images, and the statistics are applied in that channel order).
type Norm = ([f32; 3], [f32; 3]);
const IMAGENET: Norm = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
const HALF: Norm = ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);

/// Writes the `w × h` window at (`ox`, `oy`) of `img` into batch item `k`, BGR, normalised.
fn fill_normalised(
    input: &mut Array4<f32>,
    k: usize,
    img: &RgbImage,
    ox: u32,
    oy: u32,
    w: u32,
    h: u32,
    norm: Norm,
) {
    let (mean, std) = norm;
    let (iw, ih) = img.dimensions();
    for y in 0..h.min(ih.saturating_sub(oy)) {
        for x in 0..w.min(iw.saturating_sub(ox)) {
            let p = img.get_pixel(ox + x, oy + y).0;
            let bgr = [p[2], p[1], p[0]];
            for c in 0..3 {
                input[[k, c, y as usize, x as usize]] =
                    (f32::from(bgr[c]) / 255.0 - mean[c]) / std[c];
            }
        }
    }
}

/// A page's one grey channel, when every pixel is grey (most scans are): a line is then
/// sampled once instead of once per colour channel.
pub(crate) struct GreyPlane {
    raw: Vec<u8>,
    w: usize,
    h: usize,
}

impl GreyPlane {
    /// `None` when some pixel has colour.
    fn of(img: &RgbImage) -> Option<Self> {
        let (w, h) = img.dimensions();
        let raw = img.as_raw();
        let mut grey = vec![0u8; raw.len() / 3];
        // Row by row without a branch per pixel (vectorised), stopping at a row with colour.
        for (out, row) in grey
            .chunks_mut((w as usize).max(1))
            .zip(raw.chunks(3 * (w as usize).max(1)))
        {
            let mut colour = 0u8;
            let (pixels, _) = row.as_chunks::<3>();
            for (g, &[r, gr, b]) in out.iter_mut().zip(pixels) {
                colour |= (r ^ gr) | (gr ^ b);
                *g = r;
            }
            if colour != 0 {
                return None;
            }
        }
        Some(Self {
            raw: grey,
            w: w as usize,
            h: h as usize,
        })
    }
}

/// [`sample_line`] without contrast stretch for a grey page: the same bilinear samples, the
/// source point stepped along each output row, written to the three channels at once.
fn sample_line_grey(input: &mut Array4<f32>, k: usize, page: &GreyPlane, b: &TextBox, out_w: u32) {
    let [tl, tr, _, bl] = b.corners;
    let (w, h) = (page.w, page.h);
    if w == 0 || h == 0 {
        return;
    }
    let (max_x, max_y) = ((w - 1) as f32, (h - 1) as f32);
    let ow = out_w as usize;
    let rh = REC_HEIGHT as usize;
    let bw = input.shape()[3];
    // Source step per output column and per output row.
    let (ux, uy) = (
        (tr[0] - tl[0]) / out_w as f32,
        (tr[1] - tl[1]) / out_w as f32,
    );
    let (vx, vy) = (
        (bl[0] - tl[0]) / REC_HEIGHT as f32,
        (bl[1] - tl[1]) / REC_HEIGHT as f32,
    );
    let mut row = vec![0.0f32; ow];
    let Some(data) = input.as_slice_mut() else {
        return;
    };
    let p = |i: usize| f32::from(page.raw[i]);
    for y in 0..rh {
        let fy = y as f32 + 0.5;
        let mut sx = tl[0] + ux * 0.5 + vx * fy - 0.5;
        let mut sy = tl[1] + uy * 0.5 + vy * fy - 0.5;
        for v in &mut row {
            let (cx, cy) = (sx.clamp(0.0, max_x), sy.clamp(0.0, max_y));
            sx += ux;
            sy += uy;
            let (x0, y0) = (cx as usize, cy as usize);
            let (ax, ay) = (cx - x0 as f32, cy - y0 as f32);
            let x1 = (x0 + 1).min(w - 1);
            let (r0, r1) = (y0 * w, (y0 + 1).min(h - 1) * w);
            let top = p(r0 + x0) + (p(r0 + x1) - p(r0 + x0)) * ax;
            let bottom = p(r1 + x0) + (p(r1 + x1) - p(r1 + x0)) * ax;
            // (v / 255 − 0.5) / 0.5: the recognisers' normalisation.
            *v = (top + (bottom - top) * ay) / 127.5 - 1.0;
        }
        for c in 0..3 {
            let start = ((k * 3 + c) * rh + y) * bw;
            data[start..start + ow].copy_from_slice(&row);
        }
    }
}

/// Samples the rotated text box into batch item `k` at height 48 and width `out_w`
/// (bilinear, straight from the page: no intermediate crop), normalised to [-1, 1]. The rest
/// of the row stays 0, the padding value the recogniser was trained with.
///
/// With `stretch`, each crop's contrast is stretched so that its darkest ink is black and its
/// paper white (2nd and 98th percentile of the grey levels): faded, grey-on-grey scans then
/// look like the prints the recogniser learned from. Colour is kept.
fn sample_line(
    input: &mut Array4<f32>,
    k: usize,
    page: &RgbImage,
    b: &TextBox,
    out_w: u32,
    stretch: bool,
) {
    let [tl, tr, _, bl] = b.corners;
    let (w, h) = page.dimensions();
    let raw = page.as_raw();
    let stride = w as usize * 3;
    let (mean, std) = HALF;
    let n = REC_HEIGHT as usize * out_w as usize;
    let mut px = vec![[0.0f32; 3]; n];
    for y in 0..REC_HEIGHT {
        let fy = (y as f32 + 0.5) / REC_HEIGHT as f32;
        for x in 0..out_w {
            let fx = (x as f32 + 0.5) / out_w as f32;
            let sx = tl[0] + (tr[0] - tl[0]) * fx + (bl[0] - tl[0]) * fy - 0.5;
            let sy = tl[1] + (tr[1] - tl[1]) * fx + (bl[1] - tl[1]) * fy - 0.5;
            let sx = sx.clamp(0.0, (w - 1) as f32);
            let sy = sy.clamp(0.0, (h - 1) as f32);
            let (x0, y0) = (sx as usize, sy as usize);
            let (ax, ay) = (sx - x0 as f32, sy - y0 as f32);
            let x1 = (x0 + 1).min(w as usize - 1);
            let y1 = (y0 + 1).min(h as usize - 1);
            let out = &mut px[y as usize * out_w as usize + x as usize];
            for (c, o) in out.iter_mut().enumerate() {
                // Model channel order B, G, R.
                let p = |xx: usize, yy: usize| f32::from(raw[yy * stride + xx * 3 + (2 - c)]);
                *o = (p(x0, y0) * (1.0 - ax) + p(x1, y0) * ax) * (1.0 - ay)
                    + (p(x0, y1) * (1.0 - ax) + p(x1, y1) * ax) * ay;
            }
        }
    }
    let (lo, hi) = if stretch {
        grey_range(&px)
    } else {
        (0.0, 255.0)
    };
    let scale = 255.0 / (hi - lo).max(1.0);
    for y in 0..REC_HEIGHT as usize {
        for x in 0..out_w as usize {
            let p = px[y * out_w as usize + x];
            for c in 0..3 {
                let v = ((p[c] - lo) * scale).clamp(0.0, 255.0);
                input[[k, c, y, x]] = (v / 255.0 - mean[c]) / std[c];
            }
        }
    }
}

/// The grey levels (0–255) of batch item `k`'s first `w` columns, back from the normalised
/// BGR input, binarised for the ink checks.
fn crop_ink(input: &Array4<f32>, k: usize, w: usize) -> Option<CropInk> {
    let h = REC_HEIGHT as usize;
    let (mean, std) = HALF;
    let mut grey = vec![0.0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let v = |c: usize| (input[[k, c, y, x]] * std[c] + mean[c]) * 255.0;
            grey[y * w + x] = 0.114 * v(0) + 0.587 * v(1) + 0.299 * v(2);
        }
    }
    CropInk::new(&grey, w, h)
}

/// 2nd and 98th percentile of the grey levels of a crop; the full range when the crop has
/// too little contrast to be text (stretching noise would invent ink).
fn grey_range(px: &[[f32; 3]]) -> (f32, f32) {
    let mut hist = [0usize; 256];
    for p in px {
        let g = (p[0] * 0.114 + p[1] * 0.587 + p[2] * 0.299).clamp(0.0, 255.0) as usize;
        hist[g] += 1;
    }
    let at = |q: f32| {
        let target = (q * px.len() as f32) as usize;
        let mut acc = 0;
        for (i, &n) in hist.iter().enumerate() {
            acc += n;
            if acc > target {
                return i as f32;
            }
        }
        255.0
    };
    let (lo, hi) = (at(0.02), at(0.98));
    if hi - lo < 48.0 {
        (0.0, 255.0)
    } else {
        (lo, hi)
    }
}

/// Fraction of a grown detection box's height above and below the glyphs' font box (measured
/// on rendered pages against the text layer: boxes were ~28 % taller at unclip 1.6).
const WORD_BOX_INSET: f32 = 0.14;

/// Axis-aligned bounds of the part of a text box between fractions `f0` and `f1` of its
/// width.
///
/// Vertically the grown detection box is trimmed by [`WORD_BOX_INSET`] at top and bottom, so
/// OCR words have the extent of text-layer words (font ascent to descent) and lines group the
/// same way for both.
fn sub_box(b: &TextBox, f0: f32, f1: f32) -> (f32, f32, f32, f32) {
    let [tl, tr, br, bl] = b.corners;
    let lerp =
        |a: [f32; 2], c: [f32; 2], f: f32| [a[0] + (c[0] - a[0]) * f, a[1] + (c[1] - a[1]) * f];
    let (top0, top1) = (lerp(tl, tr, f0), lerp(tl, tr, f1));
    let (bot0, bot1) = (lerp(bl, br, f0), lerp(bl, br, f1));
    let pts = [
        lerp(top0, bot0, WORD_BOX_INSET),
        lerp(top1, bot1, WORD_BOX_INSET),
        lerp(top1, bot1, 1.0 - WORD_BOX_INSET),
        lerp(top0, bot0, 1.0 - WORD_BOX_INSET),
    ];
    let xs = pts.map(|p| p[0]);
    let ys = pts.map(|p| p[1]);
    (
        xs.iter().copied().fold(f32::MAX, f32::min),
        ys.iter().copied().fold(f32::MAX, f32::min),
        xs.iter().copied().fold(f32::MIN, f32::max),
        ys.iter().copied().fold(f32::MIN, f32::max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 400 × 40 page: a "label" and a "value" (blocks of glyph-like bars, x-height 12 px) and,
    /// when `dots`, a leader of 2 × 2 baseline dots between them.
    fn page(dots: bool) -> RgbImage {
        let mut img = RgbImage::from_pixel(400, 40, image::Rgb([235, 235, 235]));
        let mut ink = |x0: u32, x1: u32, y0: u32, y1: u32| {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Rgb([30, 30, 30]));
                }
            }
        };
        for gx in (10..90).chain(250..330).step_by(8) {
            ink(gx, gx + 4, 12, 24);
        }
        if dots {
            for dx in (104..240).step_by(8) {
                ink(dx, dx + 2, 22, 24);
            }
        }
        img
    }

    fn line(x0: f32, x1: f32) -> Line {
        let b = TextBox {
            corners: [[x0, 6.0], [x1, 6.0], [x1, 30.0], [x0, 30.0]],
            score: 0.9,
        };
        Line {
            frame: b,
            sample: b,
        }
    }

    #[test]
    fn the_detector_sees_the_inked_bands_and_none_of_the_blank_paper_between_them() {
        // 100 dpi, paper at 235: two lines 10 px apart (one band), and an inch lower a line of
        // faint print (25 levels below the paper).
        let mut img = RgbImage::from_pixel(400, 600, image::Rgb([235, 235, 235]));
        let mut fill = |x0: u32, x1: u32, y0: u32, y1: u32, v: u8| {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Rgb([v, v, v]));
                }
            }
        };
        fill(40, 200, 50, 60, 30);
        fill(60, 180, 70, 80, 30);
        fill(100, 350, 300, 310, 210);
        let (bands, paper) = ink_bands(&img, 100.0, 0.5);
        assert_eq!(paper, 235);
        assert_eq!(bands.len(), 2, "{bands:?}");
        // Each band holds its ink with the margin (16 px at 100 dpi; the 3 × 3 mean widens the
        // ink by a pixel) …
        let (a, b) = (bands[0], bands[1]);
        assert!(a.0 <= 24 && a.1 <= 34 && a.2 >= 216 && a.3 >= 96, "{a:?}");
        assert!(b.0 <= 84 && b.1 <= 284 && b.2 >= 366 && b.3 >= 326, "{b:?}");
        // … and not the paper between them.
        assert!(a.3 < 100 && b.1 > 280, "{bands:?}");
        let area: u32 = bands.iter().map(|r| (r.2 - r.0) * (r.3 - r.1)).sum();
        assert!(area < 400 * 600 / 5, "{area}");

        // A gap under the limit keeps them in one band; a blank page has none.
        assert_eq!(ink_bands(&img, 100.0, 3.0).0.len(), 1);
        let blank = RgbImage::from_pixel(400, 600, image::Rgb([235, 235, 235]));
        assert!(ink_bands(&blank, 100.0, 0.5).0.is_empty());
    }

    #[test]
    fn bands_grown_by_their_margin_never_overlap() {
        // Lines 0.3 inch apart at 100 dpi with a 0.2-inch gap limit: each its own band, and
        // the 16-px margins would overlap; they are cut halfway.
        let mut img = RgbImage::from_pixel(300, 300, image::Rgb([240, 240, 240]));
        for y0 in [40u32, 80, 120] {
            for y in y0..y0 + 10 {
                for x in 20..280 {
                    img.put_pixel(x, y, image::Rgb([20, 20, 20]));
                }
            }
        }
        let (bands, _) = ink_bands(&img, 100.0, 0.2);
        assert_eq!(bands.len(), 3, "{bands:?}");
        for pair in bands.windows(2) {
            assert!(pair[0].3 <= pair[1].1, "{bands:?}");
        }
    }

    /// A grey test page with detail at every pixel.
    fn grey_page(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let v = ((x * 37 + y * 91 + (x * y) % 53) % 256) as u8;
            image::Rgb([v, v, v])
        })
    }

    #[test]
    fn a_grey_page_is_sampled_and_downscaled_as_the_colour_path_does() {
        let img = grey_page(300, 200);
        let grey = GreyPlane::of(&img).expect("grey");
        // A skewed line box.
        let b = TextBox {
            corners: [[20.3, 40.2], [260.7, 52.9], [259.1, 82.4], [18.6, 69.8]],
            score: 0.9,
        };
        let w = 400u32;
        let mut colour = Array4::<f32>::zeros((2, 3, REC_HEIGHT as usize, 420));
        let mut fast = colour.clone();
        sample_line(&mut colour, 1, &img, &b, w, false);
        sample_line_grey(&mut fast, 1, &grey, &b, w);
        let worst = colour
            .iter()
            .zip(fast.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        // Stepping the source point instead of recomputing it moves it by float rounding only.
        assert!(worst < 0.02, "{worst}");
        // The padding past the line's width and the other batch item stay untouched.
        assert!(
            fast.indexed_iter()
                .all(|((k, _, _, x), &v)| (k == 1 && x < 400) || v == 0.0)
        );

        assert_eq!(downscale_grey(&grey, 97, 61), downscale(&img, 97, 61));
        assert_eq!(downscale_grey(&grey, 300, 200), img);
    }

    #[test]
    fn a_page_with_one_coloured_pixel_is_not_grey() {
        let mut img = grey_page(50, 40);
        assert!(GreyPlane::of(&img).is_some());
        img.put_pixel(49, 39, image::Rgb([200, 10, 10]));
        assert!(GreyPlane::of(&img).is_none());
    }

    #[test]
    fn downscaling_averages_each_channel_over_the_pixels_it_covers() {
        // 4 × 2 → 2 × 1: each output pixel is the mean of a 2 × 2 square.
        let img = RgbImage::from_raw(
            4,
            2,
            vec![
                0, 10, 20, 2, 12, 22, 100, 0, 0, 100, 0, 0, //
                4, 14, 24, 6, 16, 26, 100, 0, 0, 100, 0, 8,
            ],
        )
        .unwrap();
        let small = downscale(&img, 2, 1);
        assert_eq!(small.as_raw(), &vec![3, 13, 23, 100, 0, 2]);
    }

    #[test]
    fn lines_with_a_dot_leader_between_them_are_read_as_one() {
        let lines = vec![line(6.0, 94.0), line(246.0, 334.0)];
        let joined = join_leaders(&page(true), lines.clone());
        assert_eq!(joined.len(), 1);
        let (x0, _, x1, _) = joined[0].frame.bounds();
        assert!((x0 - 6.0).abs() < 0.01 && (x1 - 334.0).abs() < 0.01);
        // A blank gap (two columns of a table) is no leader.
        assert_eq!(join_leaders(&page(false), lines).len(), 2);
    }
}

//! A small PDF 1.7 writer: pages of drawing operations, standard-14 fonts, JPEG images,
//! embedded files (ZUGFeRD / Factur-X style) and RC4 encryption.
//!
//! Pages are kept as display lists ([`Op`]) rather than written straight to content streams,
//! so layouts can measure and place before anything is serialised.
//! Serialisation is deterministic: objects are numbered in a fixed order, dictionaries keep
//! insertion order, numbers are printed with a fixed number of decimals, and `/Info` dates and
//! the file ID come from the document, never from the clock.

pub mod encrypt;
pub mod fonts;

use std::fmt::Write as _;

pub use fonts::Font;

use encrypt::{PERMISSIONS, StandardSecurity, md5};

/// A4 width in points.
pub const A4_WIDTH: f32 = 595.28;
/// A4 height in points.
pub const A4_HEIGHT: f32 = 841.89;

/// An RGB colour, components 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Color {
    pub const BLACK: Color = Color::gray(0.0);
    pub const WHITE: Color = Color::gray(1.0);

    pub const fn gray(level: f32) -> Self {
        Self {
            r: level,
            g: level,
            b: level,
        }
    }

    pub const fn rgb(r: f32, g: f32, b: f32) -> Self {
        Self { r, g, b }
    }
}

/// A run of text at a baseline position, optionally rotated counter-clockwise about (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct TextOp {
    pub font: Font,
    pub size: f32,
    pub x: f32,
    pub y: f32,
    pub angle_deg: f32,
    pub color: Color,
    pub text: String,
}

/// A baseline-encoded JPEG to place as an image XObject.
#[derive(Debug, Clone, PartialEq)]
pub struct JpegImage {
    pub width: u32,
    pub height: u32,
    /// One component (`/DeviceGray`) or three (`/DeviceRGB`).
    pub grayscale: bool,
    pub data: Vec<u8>,
}

/// One drawing operation; coordinates are PDF user space (points, origin bottom-left).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text(TextOp),
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
        dashed: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<(f32, Color)>,
    },
    Image {
        image: JpegImage,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// A page: its size and display list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub ops: Vec<Op>,
}

impl Page {
    pub fn a4() -> Self {
        Self {
            width: A4_WIDTH,
            height: A4_HEIGHT,
            ops: Vec::new(),
        }
    }

    /// Text with its left end at `x`.
    pub fn text(&mut self, font: Font, size: f32, x: f32, y: f32, color: Color, text: &str) {
        self.ops.push(Op::Text(TextOp {
            font,
            size,
            x,
            y,
            angle_deg: 0.0,
            color,
            text: text.to_owned(),
        }));
    }

    /// Text rotated counter-clockwise by `angle_deg` around its start point.
    pub fn text_rotated(
        &mut self,
        font: Font,
        size: f32,
        x: f32,
        y: f32,
        angle_deg: f32,
        color: Color,
        text: &str,
    ) {
        self.ops.push(Op::Text(TextOp {
            font,
            size,
            x,
            y,
            angle_deg,
            color,
            text: text.to_owned(),
        }));
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Color) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
            dashed: false,
        });
    }

    pub fn dashed_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Color) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
            dashed: true,
        });
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            fill: Some(color),
            stroke: None,
        });
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, color: Color) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            fill: None,
            stroke: Some((width, color)),
        });
    }

    pub fn image(&mut self, image: JpegImage, x: f32, y: f32, w: f32, h: f32) {
        self.ops.push(Op::Image { image, x, y, w, h });
    }

    /// The page's content stream.
    fn content(&self) -> Vec<u8> {
        let mut s = String::new();
        let mut image_no = 0;
        for op in &self.ops {
            match op {
                Op::Text(t) => {
                    let _ = write!(
                        s,
                        "{} rg BT /{} {} Tf ",
                        color(t.color),
                        t.font.resource_name(),
                        num(t.size)
                    );
                    if t.angle_deg == 0.0 {
                        let _ = write!(s, "1 0 0 1 {} {} Tm ", num(t.x), num(t.y));
                    } else {
                        let (sin, cos) = sin_cos_deg(t.angle_deg);
                        let _ = write!(
                            s,
                            "{} {} {} {} {} {} Tm ",
                            num4(cos),
                            num4(sin),
                            num4(-sin),
                            num4(cos),
                            num(t.x),
                            num(t.y)
                        );
                    }
                    s.push_str(&literal_string(&fonts::encode_win_ansi(&t.text)));
                    s.push_str(" Tj ET\n");
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color: c,
                    dashed,
                } => {
                    let dash = if *dashed { "[2 2] 0 d" } else { "[] 0 d" };
                    let _ = writeln!(
                        s,
                        "{} w {} {} RG {} {} m {} {} l S",
                        num(*width),
                        dash,
                        color(*c),
                        num(*x1),
                        num(*y1),
                        num(*x2),
                        num(*y2)
                    );
                }
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let rect = format!("{} {} {} {} re", num(*x), num(*y), num(*w), num(*h));
                    match (fill, stroke) {
                        (Some(f), None) => {
                            let _ = writeln!(s, "{} rg {rect} f", color(*f));
                        }
                        (None, Some((lw, c))) => {
                            let _ = writeln!(s, "[] 0 d {} w {} RG {rect} S", num(*lw), color(*c));
                        }
                        (Some(f), Some((lw, c))) => {
                            let _ = writeln!(
                                s,
                                "[] 0 d {} w {} rg {} RG {rect} B",
                                num(*lw),
                                color(*f),
                                color(*c)
                            );
                        }
                        (None, None) => {}
                    }
                }
                Op::Image { x, y, w, h, .. } => {
                    image_no += 1;
                    let _ = writeln!(
                        s,
                        "q {} 0 0 {} {} {} cm /Im{image_no} Do Q",
                        num(*w),
                        num(*h),
                        num(*x),
                        num(*y)
                    );
                }
            }
        }
        s.into_bytes()
    }

    fn images(&self) -> impl Iterator<Item = &JpegImage> {
        self.ops.iter().filter_map(|op| match op {
            Op::Image { image, .. } => Some(image),
            _ => None,
        })
    }

    fn fonts(&self) -> impl Iterator<Item = Font> + '_ {
        self.ops.iter().filter_map(|op| match op {
            Op::Text(t) => Some(t.font),
            _ => None,
        })
    }
}

/// How an embedded file relates to the document (`/AFRelationship`, PDF/A-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfRelationship {
    /// The file holds the data the page shows (Factur-X BASIC WL and below).
    Data,
    /// The file is an equivalent representation (Factur-X / ZUGFeRD EN 16931 and above).
    Alternative,
    Source,
}

impl AfRelationship {
    fn name(self) -> &'static str {
        match self {
            AfRelationship::Data => "Data",
            AfRelationship::Alternative => "Alternative",
            AfRelationship::Source => "Source",
        }
    }
}

/// A file embedded in the PDF and listed in `/EmbeddedFiles` and `/AF`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub file_name: String,
    /// MIME type such as `text/xml`; written as the `/Subtype` name.
    pub mime_type: String,
    pub description: String,
    pub relationship: AfRelationship,
    pub data: Vec<u8>,
}

/// Document information dictionary. Dates are PDF date strings (`D:20240305120000+01'00'`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub creator: String,
    pub producer: String,
    pub creation_date: String,
}

/// Standard security handler passwords.
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    pub user_password: String,
    pub owner_password: String,
}

/// A whole document, ready to serialise with [`PdfDocument::to_bytes`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfDocument {
    pub info: Info,
    pub pages: Vec<Page>,
    pub attachments: Vec<Attachment>,
    /// XMP metadata packet for the catalog's `/Metadata` (written unencrypted).
    pub xmp: Option<String>,
    pub encryption: Option<Encryption>,
}

/// A PDF object (the subset the writer needs).
#[derive(Debug, Clone)]
enum Obj {
    Int(i64),
    Name(String),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
    /// Pre-formatted token (numbers with decimals); never encrypted.
    Raw(String),
}

/// A dictionary that keeps insertion order, so output is stable.
#[derive(Debug, Clone, Default)]
struct Dict(Vec<(&'static str, Obj)>);

impl Dict {
    fn with(mut self, key: &'static str, value: Obj) -> Self {
        self.0.push((key, value));
        self
    }
}

#[derive(Debug)]
enum Body {
    Obj(Obj),
    Stream(Dict, Vec<u8>),
}

fn name(s: &str) -> Obj {
    Obj::Name(s.to_owned())
}

fn text(s: &str) -> Obj {
    Obj::Str(fonts::encode_win_ansi(s))
}

/// Objects numbered from 1 in allocation order.
#[derive(Debug, Default)]
struct Objects(Vec<Option<Body>>);

impl Objects {
    fn reserve(&mut self) -> u32 {
        self.0.push(None);
        self.0.len() as u32
    }

    fn set(&mut self, id: u32, body: Body) {
        self.0[id as usize - 1] = Some(body);
    }

    fn add(&mut self, body: Body) -> u32 {
        let id = self.reserve();
        self.set(id, body);
        id
    }
}

impl PdfDocument {
    /// Serialises the document. The same document always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut objs = Objects::default();
        let catalog_id = objs.reserve();
        let pages_id = objs.reserve();

        // One shared font resource dictionary holding only the fonts actually used, so an
        // image-only PDF lists no fonts at all.
        let mut used: Vec<Font> = self.pages.iter().flat_map(|p| p.fonts()).collect();
        used.sort();
        used.dedup();
        // Polish letters need a /Differences encoding; documents without them keep the plain
        // WinAnsi name (and stay byte-identical to what earlier versions wrote).
        let ce = self.pages.iter().any(|p| {
            p.ops
                .iter()
                .any(|op| matches!(op, Op::Text(t) if fonts::needs_ce(&t.text)))
        });
        let encoding = || {
            if ce {
                let mut diffs = Vec::new();
                for (_, code, glyph, _) in fonts::CE_EXTRA {
                    diffs.push(Obj::Int(i64::from(code)));
                    diffs.push(name(glyph));
                }
                Obj::Dict(
                    Dict::default()
                        .with("Type", name("Encoding"))
                        .with("BaseEncoding", name("WinAnsiEncoding"))
                        .with("Differences", Obj::Array(diffs)),
                )
            } else {
                name("WinAnsiEncoding")
            }
        };
        let font_dict_id = (!used.is_empty()).then(|| {
            let mut fd = Dict::default();
            for f in &used {
                let font = if ce {
                    // Polish letters: an embedded TrueType font that has their glyphs (see
                    // `Font::embedded`), with the same widths and encoding.
                    let e = f.embedded();
                    let file = objs.add(Body::Stream(
                        Dict::default().with("Length1", Obj::Int(e.program.len() as i64)),
                        e.program.to_vec(),
                    ));
                    let descriptor = objs.add(Body::Obj(Obj::Dict(
                        Dict::default()
                            .with("Type", name("FontDescriptor"))
                            .with("FontName", name(e.name))
                            .with("Flags", Obj::Int(e.flags))
                            .with(
                                "FontBBox",
                                Obj::Array(e.bbox.iter().map(|v| Obj::Int(*v)).collect()),
                            )
                            .with("ItalicAngle", Obj::Int(0))
                            .with("Ascent", Obj::Int(e.ascent))
                            .with("Descent", Obj::Int(e.descent))
                            .with("CapHeight", Obj::Int(e.cap_height))
                            .with("StemV", Obj::Int(e.stem_v))
                            .with("FontFile2", Obj::Ref(file)),
                    )));
                    Dict::default()
                        .with("Type", name("Font"))
                        .with("Subtype", name("TrueType"))
                        .with("BaseFont", name(e.name))
                        .with("FirstChar", Obj::Int(32))
                        .with("LastChar", Obj::Int(255))
                        .with(
                            "Widths",
                            Obj::Array(
                                (32..=255u8)
                                    .map(|b| Obj::Int(i64::from(f.ce_glyph_width(b))))
                                    .collect(),
                            ),
                        )
                        .with("FontDescriptor", Obj::Ref(descriptor))
                        .with("Encoding", encoding())
                } else {
                    Dict::default()
                        .with("Type", name("Font"))
                        .with("Subtype", name("Type1"))
                        .with("BaseFont", name(f.base_name()))
                        .with("Encoding", encoding())
                };
                let fid = objs.add(Body::Obj(Obj::Dict(font)));
                fd.0.push((font_key(*f), Obj::Ref(fid)));
            }
            objs.add(Body::Obj(Obj::Dict(fd)))
        });

        let mut page_refs = Vec::new();
        for page in &self.pages {
            let content = page.content();
            let content_id = objs.add(Body::Stream(Dict::default(), content));
            let mut xobjects = Dict::default();
            for (i, img) in page.images().enumerate() {
                let colour_space = if img.grayscale {
                    "DeviceGray"
                } else {
                    "DeviceRGB"
                };
                let id = objs.add(Body::Stream(
                    Dict::default()
                        .with("Type", name("XObject"))
                        .with("Subtype", name("Image"))
                        .with("Width", Obj::Int(img.width.into()))
                        .with("Height", Obj::Int(img.height.into()))
                        .with("ColorSpace", name(colour_space))
                        .with("BitsPerComponent", Obj::Int(8))
                        .with("Filter", name("DCTDecode")),
                    img.data.clone(),
                ));
                xobjects.0.push((image_key(i + 1), Obj::Ref(id)));
            }
            let mut resources = Dict::default();
            if let Some(fd) = font_dict_id {
                resources = resources.with("Font", Obj::Ref(fd));
            }
            if !xobjects.0.is_empty() {
                resources = resources.with("XObject", Obj::Dict(xobjects));
            }
            let page_id = objs.add(Body::Obj(Obj::Dict(
                Dict::default()
                    .with("Type", name("Page"))
                    .with("Parent", Obj::Ref(pages_id))
                    .with(
                        "MediaBox",
                        Obj::Array(vec![
                            Obj::Int(0),
                            Obj::Int(0),
                            Obj::Raw(num(page.width)),
                            Obj::Raw(num(page.height)),
                        ]),
                    )
                    .with("Resources", Obj::Dict(resources))
                    .with("Contents", Obj::Ref(content_id)),
            )));
            page_refs.push(Obj::Ref(page_id));
        }
        objs.set(
            pages_id,
            Body::Obj(Obj::Dict(
                Dict::default()
                    .with("Type", name("Pages"))
                    .with("Count", Obj::Int(page_refs.len() as i64))
                    .with("Kids", Obj::Array(page_refs)),
            )),
        );

        let mut catalog = Dict::default()
            .with("Type", name("Catalog"))
            .with("Pages", Obj::Ref(pages_id));
        if !self.attachments.is_empty() {
            let mut names = Vec::new();
            let mut af = Vec::new();
            for a in &self.attachments {
                let ef_id = objs.add(Body::Stream(
                    Dict::default()
                        .with("Type", name("EmbeddedFile"))
                        .with("Subtype", name(&a.mime_type))
                        .with(
                            "Params",
                            Obj::Dict(
                                Dict::default()
                                    .with("Size", Obj::Int(a.data.len() as i64))
                                    .with("ModDate", text(&self.info.creation_date))
                                    .with("CheckSum", Obj::Str(md5(&a.data).to_vec())),
                            ),
                        ),
                    a.data.clone(),
                ));
                let fs_id = objs.add(Body::Obj(Obj::Dict(
                    Dict::default()
                        .with("Type", name("Filespec"))
                        .with("F", text(&a.file_name))
                        .with("UF", text(&a.file_name))
                        .with("Desc", text(&a.description))
                        .with("AFRelationship", name(a.relationship.name()))
                        .with(
                            "EF",
                            Obj::Dict(
                                Dict::default()
                                    .with("F", Obj::Ref(ef_id))
                                    .with("UF", Obj::Ref(ef_id)),
                            ),
                        ),
                )));
                names.push(text(&a.file_name));
                names.push(Obj::Ref(fs_id));
                af.push(Obj::Ref(fs_id));
            }
            catalog = catalog
                .with(
                    "Names",
                    Obj::Dict(Dict::default().with(
                        "EmbeddedFiles",
                        Obj::Dict(Dict::default().with("Names", Obj::Array(names))),
                    )),
                )
                .with("AF", Obj::Array(af));
        }
        let metadata_id = self.xmp.as_ref().map(|xmp| {
            objs.add(Body::Stream(
                Dict::default()
                    .with("Type", name("Metadata"))
                    .with("Subtype", name("XML")),
                xmp.as_bytes().to_vec(),
            ))
        });
        if let Some(id) = metadata_id {
            catalog = catalog.with("Metadata", Obj::Ref(id));
        }
        objs.set(catalog_id, Body::Obj(Obj::Dict(catalog)));

        let info = &self.info;
        let info_id = objs.add(Body::Obj(Obj::Dict(
            Dict::default()
                .with("Title", text(&info.title))
                .with("Author", text(&info.author))
                .with("Subject", text(&info.subject))
                .with("Creator", text(&info.creator))
                .with("Producer", text(&info.producer))
                .with("CreationDate", text(&info.creation_date))
                .with("ModDate", text(&info.creation_date)),
        )));

        // The file ID must not depend on the clock: hash what identifies the document.
        let mut id_source = Vec::new();
        id_source.extend_from_slice(info.title.as_bytes());
        id_source.extend_from_slice(info.creation_date.as_bytes());
        for p in &self.pages {
            id_source.extend_from_slice(&p.content());
        }
        let file_id = md5(&id_source);

        let security = self
            .encryption
            .as_ref()
            .map(|e| StandardSecurity::new(&e.user_password, &e.owner_password, &file_id));
        let encrypt_id = security.as_ref().map(|s| {
            objs.add(Body::Obj(Obj::Dict(
                Dict::default()
                    .with("Filter", name("Standard"))
                    .with("V", Obj::Int(1))
                    .with("R", Obj::Int(2))
                    .with("Length", Obj::Int(40))
                    .with("O", Obj::Str(s.owner_entry.to_vec()))
                    .with("U", Obj::Str(s.user_entry.to_vec()))
                    .with("P", Obj::Int(PERMISSIONS.into())),
            )))
        });

        // Serialise, remembering each object's byte offset for the xref table.
        let mut out: Vec<u8> = Vec::new();
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        let mut offsets = Vec::with_capacity(objs.0.len());
        for (i, body) in objs.0.iter().enumerate() {
            let id = i as u32 + 1;
            offsets.push(out.len());
            // The encryption dictionary and the XMP stream stay in clear text.
            let crypt = security
                .as_ref()
                .filter(|_| Some(id) != encrypt_id && Some(id) != metadata_id);
            let cx = Crypt {
                security: crypt,
                id,
            };
            out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
            match body.as_ref().expect("every reserved object is set") {
                Body::Obj(o) => write_obj(&mut out, o, &cx),
                Body::Stream(dict, data) => {
                    let mut data = data.clone();
                    if let Some(s) = cx.security {
                        s.encrypt(id, &mut data);
                    }
                    let dict = dict.clone().with("Length", Obj::Int(data.len() as i64));
                    write_obj(&mut out, &Obj::Dict(dict), &cx);
                    out.extend_from_slice(b"\nstream\n");
                    out.extend_from_slice(&data);
                    out.extend_from_slice(b"\nendstream");
                }
            }
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_offset = out.len();
        let size = objs.0.len() + 1;
        out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for off in &offsets {
            // Each entry is exactly 20 bytes including the two-byte end of line.
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        let id_hex = hex::encode_upper(file_id);
        let mut trailer = format!(
            "trailer\n<< /Size {size} /Root {catalog_id} 0 R /Info {info_id} 0 R /ID [<{id_hex}> <{id_hex}>]"
        );
        if let Some(e) = encrypt_id {
            let _ = write!(trailer, " /Encrypt {e} 0 R");
        }
        let _ = write!(trailer, " >>\nstartxref\n{xref_offset}\n%%EOF\n");
        out.extend_from_slice(trailer.as_bytes());
        out
    }
}

/// Encryption context of the object being written.
struct Crypt<'a> {
    security: Option<&'a StandardSecurity>,
    id: u32,
}

fn write_obj(out: &mut Vec<u8>, obj: &Obj, cx: &Crypt<'_>) {
    match obj {
        Obj::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Obj::Raw(s) => out.extend_from_slice(s.as_bytes()),
        Obj::Name(n) => out.extend_from_slice(name_token(n).as_bytes()),
        Obj::Ref(r) => out.extend_from_slice(format!("{r} 0 R").as_bytes()),
        Obj::Str(bytes) => match cx.security {
            Some(s) => {
                let mut data = bytes.clone();
                s.encrypt(cx.id, &mut data);
                out.extend_from_slice(format!("<{}>", hex::encode_upper(&data)).as_bytes());
            }
            None => out.extend_from_slice(literal_string(bytes).as_bytes()),
        },
        Obj::Array(items) => {
            out.push(b'[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_obj(out, it, cx);
            }
            out.push(b']');
        }
        Obj::Dict(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in &d.0 {
                out.extend_from_slice(format!(" /{k} ").as_bytes());
                write_obj(out, v, cx);
            }
            out.extend_from_slice(b" >>");
        }
    }
}

/// A name token: delimiters, `#` and bytes outside `!`..`~` are written as `#xx`
/// (so `text/xml` becomes `/text#2Fxml`, as Factur-X requires).
fn name_token(n: &str) -> String {
    let mut s = String::from("/");
    for b in n.bytes() {
        if (b'!'..=b'~').contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            s.push(b as char);
        } else {
            let _ = write!(s, "#{b:02X}");
        }
    }
    s
}

/// A literal string; parentheses and backslashes escaped, bytes outside printable ASCII as
/// octal so that content streams stay 7-bit clean and easy to read.
fn literal_string(bytes: &[u8]) -> String {
    let mut s = String::from("(");
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(b as char);
            }
            0x20..=0x7E => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s.push(')');
    s
}

/// Font resource names as static strings, so [`Dict`] keys can stay `&'static str`.
fn font_key(f: Font) -> &'static str {
    const NAMES: [&str; 6] = ["F1", "F2", "F3", "F4", "F5", "F6"];
    NAMES[Font::ALL.iter().position(|x| *x == f).unwrap_or(0)]
}

fn image_key(i: usize) -> &'static str {
    const NAMES: [&str; 8] = ["Im1", "Im2", "Im3", "Im4", "Im5", "Im6", "Im7", "Im8"];
    NAMES[(i - 1).min(NAMES.len() - 1)]
}

/// Sine and cosine of an angle in degrees, from a fixed Taylor series in `f64`.
///
/// `f32::sin_cos` calls the platform's libm, whose last bits may differ between systems; basic
/// arithmetic is exact IEEE everywhere, so this keeps rotated text and skewed scans
/// byte-identical on every machine.
pub fn sin_cos_deg(deg: f32) -> (f32, f32) {
    let mut d = f64::from(deg) % 360.0;
    if d > 180.0 {
        d -= 360.0;
    } else if d < -180.0 {
        d += 360.0;
    }
    let x = d * std::f64::consts::PI / 180.0;
    let (mut sin, mut cos) = (0.0f64, 0.0f64);
    let (mut term_s, mut term_c) = (x, 1.0f64);
    for n in 0..20 {
        sin += term_s;
        cos += term_c;
        let k = f64::from(2 * n + 2);
        term_s *= -x * x / (k * (k + 1.0));
        term_c *= -x * x / ((k - 1.0) * k);
    }
    (sin as f32, cos as f32)
}

/// A coordinate with at most two decimals, trailing zeros trimmed.
fn num(v: f32) -> String {
    trim_number(format!("{v:.2}"))
}

fn num4(v: f32) -> String {
    trim_number(format!("{v:.4}"))
}

fn trim_number(s: String) -> String {
    let t = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if t == "-0" {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

fn color(c: Color) -> String {
    format!("{} {} {}", num4(c.r), num4(c.g), num4(c.b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_doc() -> PdfDocument {
        let mut page = Page::a4();
        page.text(
            Font::Helvetica,
            12.0,
            50.0,
            800.0,
            Color::BLACK,
            "Rechnung Nr. 4711 – Größe (M) 12,00 €",
        );
        page.line(50.0, 790.0, 545.0, 790.0, 0.5, Color::BLACK);
        page.fill_rect(50.0, 700.0, 100.0, 20.0, Color::gray(0.9));
        page.text_rotated(
            Font::HelveticaBold,
            30.0,
            300.0,
            400.0,
            20.0,
            Color::rgb(0.8, 0.1, 0.1),
            "PAID",
        );
        let page2 = Page::a4();
        PdfDocument {
            info: Info {
                title: "Test".into(),
                creation_date: "D:20240305120000+01'00'".into(),
                ..Info::default()
            },
            pages: vec![page, page2],
            attachments: vec![Attachment {
                file_name: "factur-x.xml".into(),
                mime_type: "text/xml".into(),
                description: "Factur-X".into(),
                relationship: AfRelationship::Alternative,
                data: b"<x/>".to_vec(),
            }],
            xmp: None,
            encryption: None,
        }
    }

    /// Parses the xref table and checks that every in-use entry points at `N 0 obj`.
    /// Works on bytes: binary content (encrypted strings, the `%âãÏÓ` marker) must not shift
    /// offsets the way a lossy UTF-8 conversion would.
    fn check_xref(bytes: &[u8]) -> usize {
        let startxref = bytes
            .windows(10)
            .rposition(|w| w == b"startxref\n")
            .unwrap();
        let tail = std::str::from_utf8(&bytes[startxref + 10..]).unwrap();
        let offset: usize = tail.lines().next().unwrap().parse().unwrap();
        let table = std::str::from_utf8(&bytes[offset..]).unwrap();
        assert!(table.starts_with("xref\n0 "));
        let mut lines = table.split('\n');
        lines.next();
        let count: usize = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        assert!(lines.next().unwrap().ends_with("65535 f "));
        for n in 1..count {
            let entry = lines.next().unwrap();
            assert_eq!(entry.len(), 19, "entry is not 20 bytes: {entry:?}");
            let off: usize = entry[..10].parse().unwrap();
            let head = format!("{n} 0 obj\n");
            assert_eq!(&bytes[off..off + head.len()], head.as_bytes(), "object {n}");
        }
        assert!(lines.next().unwrap().starts_with("trailer"));
        count
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let bytes = sample_doc().to_bytes();
        assert!(bytes.starts_with(b"%PDF-1.7"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        assert!(check_xref(&bytes) > 8);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Subtype /text#2Fxml"));
        assert!(text.contains("/AFRelationship /Alternative"));
        assert!(text.contains("/EmbeddedFiles << /Names [(factur-x.xml) "));
        assert!(text.contains("/Encoding /WinAnsiEncoding"));
        // ß is 0xDF = \337, € is 0x80 = \200.
        assert!(text.contains("Gr\\366\\337e \\(M\\) 12,00 \\200"));
    }

    #[test]
    fn output_is_deterministic_and_encryption_hides_text() {
        let a = sample_doc().to_bytes();
        assert_eq!(a, sample_doc().to_bytes());
        let mut enc = sample_doc();
        enc.encryption = Some(Encryption {
            user_password: "u".into(),
            owner_password: "o".into(),
        });
        let bytes = enc.to_bytes();
        check_xref(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Filter /Standard /V 1 /R 2"));
        assert!(!text.contains("Rechnung"));
        assert!(!text.contains("factur-x.xml"));
    }

    #[test]
    fn own_sine_and_cosine_are_accurate() {
        for deg in [
            -180.0f32, -90.0, -12.5, 0.0, 0.6, 12.0, 30.0, 45.0, 90.0, 135.0, 270.0,
        ] {
            let (s, c) = sin_cos_deg(deg);
            let (rs, rc) = deg.to_radians().sin_cos();
            assert!((s - rs).abs() < 1e-6 && (c - rc).abs() < 1e-6, "{deg}");
        }
    }

    #[test]
    fn number_and_name_tokens() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(name_token("text/xml"), "/text#2Fxml");
        assert_eq!(literal_string(b"a(b)\\"), "(a\\(b\\)\\\\)");
    }
}

//! A volunteer-hour certificate: one A4 page a young person can take to an interview, with
//! its signed credential attached (PDF/A-3b, so the file stays readable for years and the
//! attachment is part of the archive), and a QR code of the address that verifies it.
//!
//! The same page data always gives the same bytes: nothing here reads a clock.

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Paint};
use krilla::{Document, SerializeSettings};

use crate::layout::{draw_lines, fit, Fonts, Line, A4, MARGIN};
use crate::PrintError;

/// What the page says, already in the words and formats people read.
pub struct CertificatePage {
    pub organisation: String,
    pub participant_name: String,
    /// "17 h 30 min".
    pub total: String,
    pub programme: String,
    pub wave: String,
    /// "05/07/2027 to 20/08/2027".
    pub period: String,
    /// Volunteering organisation and hours with it.
    pub by_organisation: Vec<(String, String)>,
    /// Milestone and the day reached.
    pub milestones: Vec<(String, String)>,
    /// "21/08/2027".
    pub issued_on: String,
    /// The same day for the file's metadata: (year, month, day).
    pub issued_date: (u16, u8, u8),
    pub number: String,
    pub code: String,
    /// The address that verifies this certificate (printed and as a QR code), when the
    /// organisation has a hub; otherwise the page says how to check the file itself.
    pub verify_url: Option<String>,
    /// The signed credential, attached as `credential.json`.
    pub credential: Vec<u8>,
}

/// The name the credential is attached under.
pub const ATTACHMENT_NAME: &str = "credential.json";

const ACCENT: (u8, u8, u8) = (0x1f, 0x5f, 0x8b);
const GREY: (u8, u8, u8) = (0x55, 0x5b, 0x61);
const WIDTH: f32 = A4.0 - 2.0 * MARGIN;
/// Average advance of DejaVu Sans in ems, to wrap and fit text without measuring glyphs.
const REGULAR_ADVANCE: f32 = 0.56;
const BOLD_ADVANCE: f32 = 0.64;

pub fn certificate(page: &CertificatePage) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::dejavu()?;
    let mut black = Vec::new();
    let mut accent = Vec::new();
    let mut grey = Vec::new();
    let mut y = MARGIN + 24.0;
    accent.push(line(MARGIN, y, 14.0, true, &page.organisation));
    y += 44.0;
    black.push(line(MARGIN, y, 30.0, true, "Certificate of Volunteering"));
    y += 36.0;
    grey.push(line(MARGIN, y, 12.0, false, "This certifies that"));
    y += 34.0;
    let name_size = fitting(&page.participant_name, 28.0, BOLD_ADVANCE);
    black.push(line(MARGIN, y, name_size, true, &page.participant_name));
    y += 30.0;
    let sentence = format!(
        "gave {} of verified volunteering during {} ({}), from {}.",
        page.total, page.programme, page.wave, page.period
    );
    for text in wrap(&sentence, 13.0) {
        black.push(line(MARGIN, y, 13.0, false, &text));
        y += 19.0;
    }
    y += 34.0;
    black.push(line(MARGIN, y, 40.0, true, &page.total));
    let label = "verified volunteering in total";
    grey.push(line(MARGIN, y + 20.0, 11.0, false, label));
    y += 60.0;

    let mut rules = Vec::new();
    for (heading, rows) in [
        ("Hours by volunteering organisation", &page.by_organisation),
        ("Milestones reached", &page.milestones),
    ] {
        if rows.is_empty() {
            continue;
        }
        accent.push(line(MARGIN, y, 12.0, true, heading));
        rules.push((y + 6.0, 0.8));
        y += 24.0;
        for (left, right) in rows {
            let left = fit(left, 0.7 * WIDTH, 11.0, REGULAR_ADVANCE);
            black.push(line(MARGIN, y, 11.0, false, &left));
            black.push(line(MARGIN + 0.72 * WIDTH, y, 11.0, true, right));
            y += 17.0;
        }
        y += 16.0;
    }

    // The foot of the page: issue, number, code; the QR code at the right.
    let foot = A4.1 - MARGIN - 120.0;
    rules.push((foot - 16.0, 0.5));
    let mut fy = foot;
    for (label, value) in [
        ("Issued", page.issued_on.as_str()),
        ("Certificate number", page.number.as_str()),
    ] {
        grey.push(line(MARGIN, fy, 9.0, false, label));
        black.push(line(MARGIN + 110.0, fy, 11.0, true, value));
        fy += 18.0;
    }
    grey.push(line(MARGIN, fy, 9.0, false, "Verification code"));
    black.push(line(MARGIN + 110.0, fy + 2.0, 16.0, true, &page.code));
    fy += 26.0;
    let how = match &page.verify_url {
        Some(url) => vec![
            "Check this certificate by scanning the code, or at".to_owned(),
            url.clone(),
        ],
        None => vec![
            "Check this certificate with its signed record attached to this file:".to_owned(),
            "mixwell certificates verify FILE.pdf, or any Verifiable Credentials verifier."
                .to_owned(),
        ],
    };
    for text in how {
        grey.push(line(
            MARGIN,
            fy,
            8.5,
            false,
            &fit(&text, WIDTH - 120.0, 8.5, REGULAR_ADVANCE),
        ));
        fy += 12.0;
    }

    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| PrintError::Pdf(format!("PDF/A-3b: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let (year, month, day) = page.issued_date;
    let date = DateTime::new(year).month(month).day(day);
    document.set_metadata(
        Metadata::new()
            .title(format!(
                "Certificate of Volunteering: {}",
                page.participant_name
            ))
            .creator("Mixwell".into())
            .authors(vec![page.organisation.clone()])
            .language("en-GB".into())
            .creation_date(date)
            .document_id(page.number.clone()),
    );
    document
        .embed_file(EmbeddedFile {
            path: ATTACHMENT_NAME.into(),
            mime_type: MimeType::new("application/vc+ld+json"),
            description: Some(
                "The signed Open Badges 3.0 credential this certificate shows".into(),
            ),
            association_kind: AssociationKind::Source,
            data: page.credential.clone().into(),
            modification_date: Some(date),
            compress: Some(true),
            location: None,
        })
        .ok_or_else(|| PrintError::Pdf("the credential could not be attached".into()))?;
    let settings =
        PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| PrintError::Pdf("bad page size".into()))?;
    let mut pdf_page = document.start_page_with(settings);
    let mut surface = pdf_page.surface();
    surface.set_fill(Some(fill(ACCENT)));
    draw_lines(&mut surface, &accent, &fonts);
    surface.set_fill(Some(fill(GREY)));
    draw_lines(&mut surface, &grey, &fonts);
    for (at, thickness) in rules {
        if let Some(rect) = Rect::from_xywh(MARGIN, at, WIDTH, thickness) {
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
        }
    }
    surface.set_fill(Some(fill(ACCENT)));
    draw_frame(&mut surface);
    surface.set_fill(Some(fill((0, 0, 0))));
    draw_lines(&mut surface, &black, &fonts);
    if let Some(url) = &page.verify_url {
        let size = 108.0;
        draw_qr(&mut surface, url, A4.0 - MARGIN - size, foot - 10.0, size)?;
    }
    surface.finish();
    pdf_page.finish();
    document
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

/// A thin frame a little inside the page's edge, with a heavier band at the top.
fn draw_frame(surface: &mut krilla::surface::Surface) {
    let inset = MARGIN / 2.0;
    let (w, h) = (A4.0 - 2.0 * inset, A4.1 - 2.0 * inset);
    let mut path = PathBuilder::new();
    for (x, y, width, height) in [
        (inset, inset, w, 6.0),
        (inset, inset, 1.0, h),
        (inset + w - 1.0, inset, 1.0, h),
        (inset, inset + h - 1.0, w, 1.0),
    ] {
        if let Some(rect) = Rect::from_xywh(x, y, width, height) {
            path.push_rect(rect);
        }
    }
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
}

fn line(x: f32, y: f32, size: f32, bold: bool, text: &str) -> Line {
    Line {
        x,
        y,
        size,
        bold,
        text: text.to_owned(),
    }
}

fn fill((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: Paint::from(krilla::color::rgb::Color::new(r, g, b)),
        ..Fill::default()
    }
}

/// The largest size up to `size` at which `text` fits the page's width.
fn fitting(text: &str, size: f32, advance: f32) -> f32 {
    let chars = text.chars().count().max(1) as f32;
    size.min(WIDTH / (chars * advance))
}

/// Words of `text` in lines that fit the page's width at `size`.
fn wrap(text: &str, size: f32) -> Vec<String> {
    let room = (WIDTH / (size * REGULAR_ADVANCE)) as usize;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The QR code of `text`, dark modules as filled squares, `size` points wide with its quiet
/// zone, its top-left corner at (`x`, `y`).
fn draw_qr(
    surface: &mut krilla::surface::Surface,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
) -> Result<(), PrintError> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(|e| PrintError::Pdf(format!("the QR code could not be made: {e}")))?;
    let width = code.width();
    let quiet = 4;
    let module = size / (width + 2 * quiet) as f32;
    let mut path = PathBuilder::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (col, row) = (i % width, i / width);
            if let Some(rect) = Rect::from_xywh(
                x + (col + quiet) as f32 * module,
                y + (row + quiet) as f32 * module,
                module,
                module,
            ) {
                path.push_rect(rect);
            }
        }
    }
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
    Ok(())
}

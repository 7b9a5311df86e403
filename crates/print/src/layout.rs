//! A4 pages with a running cursor: text lines in the regular or bold face, placed in
//! columns that flow onto new pages.

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::PrintError;

pub const A4: (f32, f32) = (595.0, 842.0);
pub const MARGIN: f32 = 50.0;

pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

impl Fonts {
    pub fn dejavu() -> Result<Fonts, PrintError> {
        let load = |bytes: &'static [u8]| {
            Font::new(bytes.into(), 0)
                .ok_or_else(|| PrintError::Pdf("the embedded font could not be read".into()))
        };
        Ok(Fonts {
            regular: load(dejavu::sans::regular())?,
            bold: load(dejavu::sans::bold())?,
        })
    }
}

/// `text` cut with an ellipsis to fit `width` points at `size`, for a face whose glyphs
/// average `advance` ems (an estimate that keeps text inside its column without measuring
/// each glyph).
pub fn fit(text: &str, width: f32, size: f32, advance: f32) -> String {
    let most = ((width / (size * advance)).floor() as usize).max(2);
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(most - 1).collect();
    cut.push('…');
    cut
}

/// `text` broken at spaces into lines that fit `width` points at `size` (the same estimate
/// as [`fit`]); a word longer than a line is cut with an ellipsis rather than lost.
pub fn wrap(text: &str, width: f32, size: f32, advance: f32) -> Vec<String> {
    let most = ((width / (size * advance)).floor() as usize).max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > most {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| fit(&l, width, size, advance))
        .collect()
}

/// One line of text at a position on a page (points from the top-left corner).
pub struct Line {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub text: String,
}

/// Writes pages of lines into a PDF, on portrait A4.
pub fn render(pages: &[Vec<Line>], fonts: &Fonts) -> Result<Vec<u8>, PrintError> {
    render_sized(pages, fonts, A4)
}

/// Writes pages of lines into a PDF, on pages of `(width, height)` points.
pub fn render_sized(
    pages: &[Vec<Line>],
    fonts: &Fonts,
    (width, height): (f32, f32),
) -> Result<Vec<u8>, PrintError> {
    let mut document = Document::new();
    for lines in pages {
        let settings = PageSettings::from_wh(width, height)
            .ok_or_else(|| PrintError::Pdf("bad page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw_lines(&mut surface, lines, fonts);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

/// Draws `lines` on a page's surface.
pub fn draw_lines(surface: &mut Surface, lines: &[Line], fonts: &Fonts) {
    for line in lines {
        let font = if line.bold {
            fonts.bold.clone()
        } else {
            fonts.regular.clone()
        };
        surface.draw_text(
            Point::from_xy(line.x, line.y),
            font,
            line.size,
            &line.text,
            false,
            TextDirection::Auto,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Wrapping keeps every word, in order, and no line is wider than its column.
        #[test]
        fn wrapped_lines_keep_every_word_and_fit(words in proptest::collection::vec("[a-zé]{1,12}", 0..60)) {
            let text = words.join(" ");
            let lines = wrap(&text, 200.0, 10.0, 0.55);
            let most = (200.0f32 / 5.5).floor() as usize;
            prop_assert!(lines.iter().all(|l| l.chars().count() <= most));
            let joined: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
            prop_assert_eq!(joined, words.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}

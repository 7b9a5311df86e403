//! A plain document of headed sections, one column flowing onto as many A4 pages as it
//! needs, the title on every page: for what a person asks to read (their own data) and
//! reports of what was done (a purge).

use crate::layout::{fit, render, wrap, Fonts, Line, A4, MARGIN};
use crate::PrintError;

pub struct Section {
    pub heading: String,
    /// One line each; a line too long for the page wraps onto the next.
    pub lines: Vec<String>,
}

pub struct SectionsDocument {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

const TITLE: f32 = 16.0;
const HEADING: f32 = 12.5;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.45;
/// DejaVu Sans averages a little over half an em a glyph.
const ADVANCE: f32 = 0.55;

pub fn sections(document: &SectionsDocument) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::dejavu()?;
    let width = A4.0 - 2.0 * MARGIN;
    let mut flow = Flow::new(document, width);
    for section in &document.sections {
        // A heading is not left alone at the foot of a page.
        if !flow.room_for(HEADING * LEADING * 2.0 + BODY * LEADING) {
            flow.break_page();
        }
        flow.advance(HEADING * LEADING + 4.0);
        flow.put(
            MARGIN,
            HEADING,
            true,
            fit(&section.heading, width, HEADING, ADVANCE),
        );
        for text in &section.lines {
            // A long line continues indented beneath itself.
            for (i, part) in wrap(text, width - 20.0, BODY, ADVANCE)
                .into_iter()
                .enumerate()
            {
                flow.advance(BODY * LEADING);
                let indent = if i == 0 { 8.0 } else { 20.0 };
                flow.put(MARGIN + indent, BODY, false, part);
            }
        }
    }
    render(&flow.finish(), &fonts)
}

/// Lines placed down the page, a new page (with the title) when one is full.
struct Flow<'a> {
    document: &'a SectionsDocument,
    width: f32,
    pages: Vec<Vec<Line>>,
    page: Vec<Line>,
    y: f32,
}

impl<'a> Flow<'a> {
    fn new(document: &'a SectionsDocument, width: f32) -> Flow<'a> {
        let (page, y) = header(document, width, 1);
        Flow {
            document,
            width,
            pages: Vec::new(),
            page,
            y,
        }
    }

    fn room_for(&self, height: f32) -> bool {
        self.y + height <= A4.1 - MARGIN
    }

    fn break_page(&mut self) {
        let (fresh, top) = header(self.document, self.width, self.pages.len() + 2);
        self.pages.push(std::mem::replace(&mut self.page, fresh));
        self.y = top;
    }

    fn advance(&mut self, step: f32) {
        if !self.room_for(step) {
            self.break_page();
        }
        self.y += step;
    }

    fn put(&mut self, x: f32, size: f32, bold: bool, text: String) {
        self.page.push(Line {
            x,
            y: self.y,
            size,
            bold,
            text,
        });
    }

    fn finish(mut self) -> Vec<Vec<Line>> {
        self.pages.push(self.page);
        self.pages
    }
}

fn header(document: &SectionsDocument, width: f32, number: usize) -> (Vec<Line>, f32) {
    let mut y = MARGIN + TITLE;
    let mut lines = vec![Line {
        x: MARGIN,
        y,
        size: TITLE,
        bold: true,
        text: fit(&document.title, width, TITLE, ADVANCE),
    }];
    y += BODY * LEADING;
    let subtitle = if number > 1 {
        format!("{} · page {number}", document.subtitle)
    } else {
        document.subtitle.clone()
    };
    lines.push(Line {
        x: MARGIN,
        y,
        size: BODY,
        bold: false,
        text: fit(&subtitle, width, BODY, ADVANCE),
    });
    (lines, y + BODY)
}

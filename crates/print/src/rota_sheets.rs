//! Rota sheets to pin on the wall when the laptops are packed away: one team to a sheet
//! (landscape A4), sessions down the side and roles across, then the team's members. A
//! long plan flows onto further sheets with the headings repeated.

use crate::layout::{fit, render_sized, Fonts, Line, A4, MARGIN};
use crate::PrintError;

pub struct RotaSessionRow {
    pub session: String,
    /// Who holds each role of the sheet, in the sheet's role order; empty when the
    /// session does not use the role or nobody holds it.
    pub holders: Vec<String>,
    /// Who is away, shown after the row's holders.
    pub away: Vec<String>,
}

pub struct RotaSheet {
    /// For example "Team 3".
    pub team: String,
    pub roles: Vec<String>,
    pub rows: Vec<RotaSessionRow>,
    pub members: Vec<String>,
}

pub struct RotaSheetDocument {
    /// For example the wave's name.
    pub title: String,
    /// For example the site and the date printed.
    pub subtitle: String,
    pub sheets: Vec<RotaSheet>,
}

const LANDSCAPE: (f32, f32) = (A4.1, A4.0);
const TITLE: f32 = 16.0;
const BODY: f32 = 10.0;
const ROW: f32 = BODY * 1.9;
const SESSION_COLUMN: f32 = 120.0;
/// Average advance of a DejaVu Sans glyph as a share of the font size: enough to keep a
/// cell's text inside its column.
const GLYPH: f32 = 0.6;

pub fn rota_sheets(document: &RotaSheetDocument) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::dejavu()?;
    let mut pages = Vec::new();
    for sheet in &document.sheets {
        let roles = sheet.roles.len().max(1) as f32;
        let role_width = (LANDSCAPE.0 - 2.0 * MARGIN - SESSION_COLUMN) / roles;
        let bottom = LANDSCAPE.1 - MARGIN;
        let mut page = heading(document, sheet, role_width);
        let top = MARGIN + TITLE + BODY * 4.5;
        let mut y = top;
        for row in &sheet.rows {
            if y + ROW > bottom {
                pages.push(std::mem::replace(
                    &mut page,
                    heading(document, sheet, role_width),
                ));
                y = top;
            }
            y += ROW;
            page.push(cell(MARGIN, y, SESSION_COLUMN, true, &row.session));
            for (i, holder) in row.holders.iter().enumerate() {
                let x = MARGIN + SESSION_COLUMN + i as f32 * role_width;
                page.push(cell(x, y, role_width, false, holder));
            }
            if !row.away.is_empty() {
                y += BODY * 1.3;
                let text = format!("away: {}", row.away.join(", "));
                page.push(cell(
                    MARGIN + SESSION_COLUMN,
                    y,
                    LANDSCAPE.0 - 2.0 * MARGIN - SESSION_COLUMN,
                    false,
                    &text,
                ));
            }
        }
        let members = format!("Members: {}", sheet.members.join(", "));
        let width = LANDSCAPE.0 - 2.0 * MARGIN;
        let per_line = ((width / (BODY * GLYPH)) as usize).max(10);
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in members.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        y += ROW;
        for text in lines {
            if y + ROW > bottom {
                pages.push(std::mem::replace(
                    &mut page,
                    heading(document, sheet, role_width),
                ));
                y = top;
            }
            y += BODY * 1.4;
            page.push(cell(MARGIN, y, width, false, &text));
        }
        pages.push(page);
    }
    render_sized(&pages, &fonts, LANDSCAPE)
}

fn cell(x: f32, y: f32, width: f32, bold: bool, text: &str) -> Line {
    Line {
        x,
        y,
        size: BODY,
        bold,
        text: fit(text, width - 6.0, BODY, GLYPH),
    }
}

fn heading(document: &RotaSheetDocument, sheet: &RotaSheet, role_width: f32) -> Vec<Line> {
    let mut lines = vec![
        Line {
            x: MARGIN,
            y: MARGIN + TITLE,
            size: TITLE,
            bold: true,
            text: format!("{}: leadership rota, {}", sheet.team, document.title),
        },
        Line {
            x: MARGIN,
            y: MARGIN + TITLE + BODY * 1.6,
            size: BODY - 1.0,
            bold: false,
            text: document.subtitle.clone(),
        },
    ];
    let y = MARGIN + TITLE + BODY * 4.5;
    lines.push(cell(MARGIN, y, SESSION_COLUMN, true, "Session"));
    for (i, role) in sheet.roles.iter().enumerate() {
        let x = MARGIN + SESSION_COLUMN + i as f32 * role_width;
        lines.push(cell(x, y, role_width, true, role));
    }
    lines
}

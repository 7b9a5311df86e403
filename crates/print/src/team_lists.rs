//! Team lists to pin on the wall: every team with its members, two columns to a page, a
//! team never split across a column.

use crate::layout::{render, Fonts, Line, A4, MARGIN};
use crate::PrintError;

pub struct TeamList {
    pub name: String,
    pub members: Vec<String>,
}

pub struct TeamListDocument {
    /// For example the wave and the team set's name.
    pub title: String,
    /// For example the site and the date printed.
    pub subtitle: String,
    pub teams: Vec<TeamList>,
}

const COLUMNS: usize = 2;
const TITLE: f32 = 18.0;
const HEADING: f32 = 13.0;
const BODY: f32 = 11.0;
const LEADING: f32 = 1.4;

pub fn team_lists(document: &TeamListDocument) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::dejavu()?;
    let column_width = (A4.0 - 2.0 * MARGIN) / COLUMNS as f32;
    let top = MARGIN + TITLE + BODY * LEADING * 2.0;
    let bottom = A4.1 - MARGIN;
    let mut pages: Vec<Vec<Line>> = Vec::new();
    let mut page = header(document);
    let mut column = 0;
    let mut y = top;
    for team in &document.teams {
        let height = HEADING * LEADING + team.members.len() as f32 * BODY * LEADING + BODY;
        if y + height > bottom && y > top {
            column += 1;
            y = top;
            if column == COLUMNS {
                pages.push(std::mem::replace(&mut page, header(document)));
                column = 0;
            }
        }
        let x = MARGIN + column as f32 * column_width;
        y += HEADING;
        page.push(Line {
            x,
            y,
            size: HEADING,
            bold: true,
            text: format!("{} ({})", team.name, team.members.len()),
        });
        y += HEADING * (LEADING - 1.0);
        for member in &team.members {
            y += BODY * LEADING;
            page.push(Line {
                x: x + 8.0,
                y,
                size: BODY,
                bold: false,
                text: member.clone(),
            });
        }
        y += BODY * 1.5;
    }
    pages.push(page);
    render(&pages, &fonts)
}

fn header(document: &TeamListDocument) -> Vec<Line> {
    vec![
        Line {
            x: MARGIN,
            y: MARGIN + TITLE,
            size: TITLE,
            bold: true,
            text: document.title.clone(),
        },
        Line {
            x: MARGIN,
            y: MARGIN + TITLE + BODY * LEADING,
            size: BODY - 1.0,
            bold: false,
            text: document.subtitle.clone(),
        },
    ]
}

//! Hours reports for funders and coordinators, as CSV or XLSX: per participant, per
//! organisation, and every entry of a wave. Minutes stay whole numbers; dates are written
//! as 21/07/2027 in CSV and as real dates in XLSX.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use mixwell_domain::hours::{uk_date, Status};
use mixwell_domain::Id;
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::hours::Ledger;
use crate::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HoursReportKind {
    /// One row per participant: minutes verified and pending, and each milestone.
    Participants,
    /// One row per organisation: people, entries and minutes.
    Organisations,
    /// Every entry of the wave as it stands.
    Entries,
}

impl HoursReportKind {
    pub fn file_stem(self) -> &'static str {
        match self {
            HoursReportKind::Participants => "hours-per-participant",
            HoursReportKind::Organisations => "hours-per-organisation",
            HoursReportKind::Entries => "hours-every-entry",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Minutes(u32),
    Count(u32),
    Date(Option<NaiveDate>),
}

/// A report: a header row and rows of cells, the last row the wave's totals where there
/// is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn to_csv(&self) -> StoreResult<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let encode = |e: csv::Error| StoreError::Io(std::io::Error::other(e));
        writer.write_record(&self.header).map_err(encode)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(|cell| match cell {
                    Cell::Text(t) => t.clone(),
                    Cell::Minutes(m) | Cell::Count(m) => m.to_string(),
                    Cell::Date(d) => d.map(uk_date).unwrap_or_default(),
                }))
                .map_err(encode)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    pub fn to_xlsx(&self) -> StoreResult<Vec<u8>> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let encode = |e: rust_xlsxwriter::XlsxError| StoreError::Io(std::io::Error::other(e));
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Hours").map_err(encode)?;
        let bold = Format::new().set_bold();
        let date_format = Format::new().set_num_format("dd/mm/yyyy");
        for (c, name) in self.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, name, &bold)
                .map_err(encode)?;
            sheet
                .set_column_width(c as u16, (name.len() + 4).max(12) as f64)
                .map_err(encode)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                    Cell::Minutes(m) | Cell::Count(m) => {
                        sheet.write_number(r, c, f64::from(*m)).map(|_| ())
                    }
                    Cell::Date(Some(d)) => {
                        let date = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .map_err(encode)?;
                        sheet
                            .write_datetime_with_format(r, c, &date, &date_format)
                            .map(|_| ())
                    }
                    Cell::Date(None) => Ok(()),
                }
                .map_err(encode)?;
            }
        }
        workbook.save_to_buffer().map_err(encode)
    }
}

fn text(t: impl Into<String>) -> Cell {
    Cell::Text(t.into())
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pending => "Pending",
        Status::Verified => "Verified",
        Status::Rejected => "Rejected",
        Status::Voided => "Voided",
    }
}

impl Store {
    /// One of the wave's hours reports, as it stands today.
    pub fn hours_report(&self, wave_id: Id, kind: HoursReportKind) -> StoreResult<Table> {
        let wave = self.wave(wave_id)?;
        let title = format!("{} – {}", wave.name, kind.file_stem().replace('-', " "));
        match kind {
            HoursReportKind::Participants => self.participants_report(wave_id, title),
            HoursReportKind::Organisations | HoursReportKind::Entries => {
                self.ledger_report(wave_id, kind, title)
            }
        }
    }

    fn participants_report(&self, wave_id: Id, title: String) -> StoreResult<Table> {
        let board = self.wave_hours(wave_id)?;
        let milestones: Vec<String> = board
            .first()
            .map(|p| p.milestones.iter().map(|m| m.name.clone()).collect())
            .unwrap_or_default();
        let mut header: Vec<String> = [
            "participant_id",
            "name",
            "verified_minutes",
            "pending_minutes",
            "first_day",
        ]
        .map(String::from)
        .to_vec();
        for name in &milestones {
            header.push(format!("{name}: reached on"));
            header.push(format!("{name}: last day"));
        }
        let mut rows = Vec::new();
        let (mut verified, mut pending) = (0, 0);
        for p in &board {
            verified += p.totals.verified_minutes;
            pending += p.totals.pending_minutes;
            let mut row = vec![
                text(&p.external_id),
                text(&p.name),
                Cell::Minutes(p.totals.verified_minutes),
                Cell::Minutes(p.totals.pending_minutes),
                Cell::Date(p.first_day),
            ];
            for m in &p.milestones {
                row.push(Cell::Date(m.reached_on));
                row.push(Cell::Date(m.last_day));
            }
            rows.push(row);
        }
        let mut total = vec![
            text("Wave total"),
            text(format!("{} participants", board.len())),
            Cell::Minutes(verified),
            Cell::Minutes(pending),
            Cell::Date(None),
        ];
        total.resize(header.len(), Cell::Date(None));
        rows.push(total);
        Ok(Table {
            title,
            header,
            rows,
        })
    }

    fn ledger_report(
        &self,
        wave_id: Id,
        kind: HoursReportKind,
        title: String,
    ) -> StoreResult<Table> {
        let ledger = Ledger::of_wave(self.conn(), wave_id)?;
        let organisations = self.organisation_names()?;
        let people: HashMap<Id, (String, String)> = self
            .participants(wave_id)?
            .into_iter()
            .map(|p| (p.id, (p.record.external_id.clone(), p.record.full_name())))
            .collect();
        let chains = ledger.chains();
        let name_of = |id: &Id| organisations.get(id).cloned().unwrap_or_default();
        if kind == HoursReportKind::Organisations {
            #[derive(Default)]
            struct Sums {
                people: std::collections::HashSet<Id>,
                entries: u32,
                verified: u32,
                pending: u32,
            }
            let mut by_name: BTreeMap<String, Sums> = BTreeMap::new();
            for c in chains.iter().filter(|c| c.stands()) {
                let sums = by_name.entry(name_of(&c.organisation_id)).or_default();
                sums.people.insert(c.participant_id);
                sums.entries += 1;
                sums.verified += c.verified();
                sums.pending += c.pending();
            }
            let mut rows: Vec<Vec<Cell>> = by_name
                .iter()
                .map(|(name, s)| {
                    vec![
                        text(name),
                        Cell::Count(s.people.len() as u32),
                        Cell::Count(s.entries),
                        Cell::Minutes(s.verified),
                        Cell::Minutes(s.pending),
                    ]
                })
                .collect();
            let people_total = chains
                .iter()
                .filter(|c| c.stands())
                .map(|c| c.participant_id)
                .collect::<std::collections::HashSet<_>>()
                .len();
            rows.push(vec![
                text("Wave total"),
                Cell::Count(people_total as u32),
                Cell::Count(by_name.values().map(|s| s.entries).sum()),
                Cell::Minutes(by_name.values().map(|s| s.verified).sum()),
                Cell::Minutes(by_name.values().map(|s| s.pending).sum()),
            ]);
            return Ok(Table {
                title,
                header: [
                    "organisation",
                    "participants",
                    "entries",
                    "verified_minutes",
                    "pending_minutes",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            });
        }
        let mut chains = chains;
        chains.sort_by_key(|c| (c.date, people.get(&c.participant_id).map(|p| p.1.clone())));
        let mut rows = Vec::new();
        for c in &chains {
            let Some(original) = ledger.entries.iter().find(|e| e.id == c.entry_id) else {
                continue;
            };
            let decided_by = ledger
                .decisions
                .iter()
                .filter(|d| d.entry_id == c.entry_id)
                .max_by_key(|d| (d.at, d.id))
                .map(|d| d.by.clone())
                .unwrap_or_default();
            let (external, name) = people.get(&c.participant_id).cloned().unwrap_or_default();
            rows.push(vec![
                Cell::Date(Some(c.date)),
                text(external),
                text(name),
                text(name_of(&c.organisation_id)),
                text(&original.activity),
                Cell::Minutes(c.minutes),
                text(status_word(c.status)),
                text(&original.logged_by),
                text(decided_by),
                text(c.entry_id.to_string()),
            ]);
        }
        Ok(Table {
            title,
            header: [
                "date",
                "participant_id",
                "name",
                "organisation",
                "activity",
                "minutes",
                "status",
                "logged_by",
                "decided_by",
                "entry_id",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        })
    }
}

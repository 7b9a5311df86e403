//! The demo programmes `make run` opens on: a realistic NCS wave made by the project's own
//! seeded generator, imported through the same path as a real roster, and a HeadStart wave
//! that started six weeks before today with volunteering hours logged, verified and
//! waiting, so every Hours screen has something to show.

use chrono::{Duration, NaiveDate};
use mixwell_domain::hours::{Decision, VerifyMethod};
use mixwell_domain::Wave;

use crate::error::StoreResult;
use crate::hours::NewHours;
use crate::programmes::NewWave;
use crate::Store;

pub const DEMO_PROGRAMME: &str = "Demo: NCS Summer 2027";
pub const DEMO_WAVE: &str = "Wave 1 – Peak District";
const DEMO_SIZE: usize = 120;
const DEMO_SEED: u64 = 2027;
pub const DEMO_HOURS_PROGRAMME: &str = "Demo: HeadStart";
pub const DEMO_HOURS_WAVE: &str = "Sheffield volunteers";
const DEMO_HOURS_SIZE: usize = 30;
const DEMO_HOURS_GROUPS: usize = 5;
const DEMO_ORGANISATIONS: [(&str, &str, &str); 4] = [
    (
        "Hope Food Bank",
        "Dee Walsh, 0114 496 0123",
        "12 Market Street, Sheffield S1 2AB",
    ),
    (
        "Peak Park Conservation Trust",
        "Rangers' office, 01629 496 017",
        "Aldern House, Bakewell DE45 1AE",
    ),
    (
        "St Mary's Community Café",
        "Tom Price",
        "Bramall Lane, Sheffield S2 4QZ",
    ),
    (
        "Sheffield Hospice Shop",
        "Shop manager",
        "201 London Road, Sheffield S2 4LJ",
    ),
];

impl Store {
    /// Creates the demo programme and wave with about 120 young people, and the HeadStart
    /// demo. Running it again leaves the demo as it is; returns the NCS wave and whether it
    /// was created now.
    pub fn seed_demo(&mut self) -> StoreResult<(Wave, bool)> {
        self.atomically(|store| {
            if let Ok(wave) = store.find_wave(Some(DEMO_PROGRAMME), DEMO_WAVE) {
                // A demo seeded before hours existed gains the HeadStart wave.
                store.seed_hours_demo()?;
                return Ok((wave, false));
            }
            let programme = match store.find_programme(DEMO_PROGRAMME) {
                Ok(p) => p,
                Err(_) => store.create_programme(DEMO_PROGRAMME)?,
            };
            let wave = store.create_wave(
                programme.id,
                &NewWave {
                    name: DEMO_WAVE.to_owned(),
                    site: "Castleton Youth Centre".to_owned(),
                    starts_on: chrono::NaiveDate::from_ymd_opt(2027, 7, 19),
                    ends_on: chrono::NaiveDate::from_ymd_opt(2027, 8, 13),
                },
            )?;
            let rows = mixwell_roster::demo::roster(DEMO_SEED, DEMO_SIZE);
            let csv =
                mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, r.friends.as_slice())));
            store.import_roster(
                wave.id,
                mixwell_roster::parse(csv.as_bytes()),
                &mut |_, _| {},
            )?;
            store.seed_hours_demo()?;
            Ok((wave, true))
        })
    }

    /// The HeadStart demo: young people who finished NCS volunteering since a wave that
    /// began six weeks ago. Only what hours need is kept (names, school); each person's
    /// first day, sessions and minutes follow from their place in the list, some entries
    /// wait for a coordinator, and a few people are at risk of missing the interview.
    fn seed_hours_demo(&mut self) -> StoreResult<()> {
        if self
            .find_wave(Some(DEMO_HOURS_PROGRAMME), DEMO_HOURS_WAVE)
            .is_ok()
        {
            return Ok(());
        }
        let today = self.today();
        let programme = match self.find_programme(DEMO_HOURS_PROGRAMME) {
            Ok(p) => p,
            Err(_) => self.create_programme(DEMO_HOURS_PROGRAMME)?,
        };
        let wave = self.create_wave(
            programme.id,
            &NewWave {
                name: DEMO_HOURS_WAVE.to_owned(),
                site: "Sheffield".to_owned(),
                starts_on: Some(today - Duration::days(60)),
                ends_on: None,
            },
        )?;
        let mut rows = mixwell_roster::demo::roster(DEMO_SEED + 1, DEMO_HOURS_SIZE);
        for (i, row) in rows.iter_mut().enumerate() {
            let r = &mut row.record;
            r.external_id = format!("HS-{:04}", i + 1);
            r.date_of_birth = NaiveDate::from_ymd_opt(2009, 1, 1)
                .map(|d| d + Duration::days((i as i64 * 41) % 700));
            r.gender.clear();
            r.ethnicity.clear();
            r.faith.clear();
            r.postcode.clear();
            r.fsm = None;
            r.additional_needs = None;
        }
        let csv = mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, &[] as &[String])));
        self.import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )?;
        for (name, contact, address) in DEMO_ORGANISATIONS {
            self.save_volunteering_organisation(name, contact, address)?;
        }
        let people = self.participants(wave.id)?;
        // Groups that volunteer together, for logging a whole group's session at once.
        let groups: Vec<crate::Placement> = people
            .iter()
            .enumerate()
            .map(|(i, p)| crate::Placement {
                participant_id: p.id,
                team: (i % DEMO_HOURS_GROUPS) as u32,
                pinned: false,
            })
            .collect();
        self.save_team_set(wave.id, "Volunteering groups", "{}", &groups)?;
        let mut batch = Vec::new();
        let mut last_of_person = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let first = today - Duration::days(20 + (i as i64 * 7) % 38);
            let sessions = 2 + i % 6;
            for k in 0..sessions {
                let date = first + Duration::days(k as i64 * 5);
                if date >= today {
                    break;
                }
                batch.push(NewHours {
                    participant: p.id.to_string(),
                    organisation: DEMO_ORGANISATIONS[(i + k) % DEMO_ORGANISATIONS.len()]
                        .0
                        .to_owned(),
                    date,
                    minutes: 120 + (((i * 37 + k * 53) % 150) / 15 * 15) as u32,
                    activity: [
                        "Sorting donations",
                        "Path repairs",
                        "Serving lunches",
                        "Till and stock",
                    ][(i + k) % 4]
                        .to_owned(),
                    supervision: None,
                });
            }
            last_of_person.push(batch.len() - 1);
        }
        let entries = self.log_hours(&batch, "Demo", false)?;
        for (n, entry) in entries.iter().enumerate() {
            // A third of the young people have their latest session still waiting.
            let waiting = last_of_person
                .iter()
                .position(|&last| last == n)
                .is_some_and(|person| person % 3 == 0);
            if !waiting {
                self.decide_hours(
                    entry.id,
                    Decision::Verified,
                    VerifyMethod::Coordinator,
                    "Priya Shah",
                    None,
                )?;
            }
        }
        Ok(())
    }
}

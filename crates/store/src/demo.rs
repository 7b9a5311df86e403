//! The demo programme `make run` opens on: a realistic wave made by the project's own
//! seeded generator, imported through the same path as a real roster.

use mixwell_domain::Wave;

use crate::error::StoreResult;
use crate::programmes::NewWave;
use crate::Store;

pub const DEMO_PROGRAMME: &str = "Demo: NCS Summer 2027";
pub const DEMO_WAVE: &str = "Wave 1 – Peak District";
const DEMO_SIZE: usize = 120;
const DEMO_SEED: u64 = 2027;

impl Store {
    /// Creates the demo programme and wave with about 120 young people. Running it again
    /// leaves the demo as it is; returns the wave and whether it was created now.
    pub fn seed_demo(&mut self) -> StoreResult<(Wave, bool)> {
        if let Ok(wave) = self.find_wave(Some(DEMO_PROGRAMME), DEMO_WAVE) {
            return Ok((wave, false));
        }
        let programme = match self.find_programme(DEMO_PROGRAMME) {
            Ok(p) => p,
            Err(_) => self.create_programme(DEMO_PROGRAMME)?,
        };
        let wave = self.create_wave(
            programme.id,
            &NewWave {
                name: DEMO_WAVE.to_owned(),
                site: "Castleton Youth Centre".to_owned(),
                starts_on: chrono::NaiveDate::from_ymd_opt(2027, 7, 19),
                ends_on: chrono::NaiveDate::from_ymd_opt(2027, 8, 13),
            },
        )?;
        let rows = mixwell_roster::demo::roster(DEMO_SEED, DEMO_SIZE);
        let csv = mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, r.friends.as_slice())));
        self.import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )?;
        Ok((wave, true))
    }
}

//! Importing a 10,000-row roster, CSV and XLSX, into a fresh database and again as an
//! update of the same wave. Prints the median and slowest of several runs; the figures
//! are recorded in BENCHMARKS.md. Run with `cargo bench -p mixwell-store --bench import`.

use std::time::{Duration, Instant};

use mixwell_roster::RosterRow;
use mixwell_store::{NewWave, Store};

const ROWS: usize = 10_000;
const RUNS: usize = 7;

fn csv(rows: &[RosterRow]) -> Vec<u8> {
    mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, r.friends.as_slice()))).into_bytes()
}

/// The same roster as an Excel workbook, as a sign-up system's export would be.
fn xlsx(rows: &[RosterRow]) -> Vec<u8> {
    let text = String::from_utf8(csv(rows)).expect("CSV is UTF-8");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, record) in reader.records().enumerate() {
        for (c, cell) in record.expect("CSV we wrote").iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, cell)
                .expect("cell fits");
        }
    }
    workbook.save_to_buffer().expect("workbook")
}

struct Figures {
    times: Vec<Duration>,
}

impl Figures {
    fn report(&mut self, what: &str) {
        self.times.sort();
        let median = self.times[self.times.len() / 2];
        let worst = self.times[self.times.len() - 1];
        println!(
            "{what:<44} median {:>7.1} ms   slowest {:>7.1} ms",
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
}

fn time(mut run: impl FnMut() -> Duration) -> Figures {
    Figures {
        times: (0..RUNS).map(|_| run()).collect(),
    }
}

fn fresh_wave(dir: &tempfile::TempDir, n: usize) -> (Store, mixwell_domain::Id) {
    let mut store = Store::open(
        &dir.path().join(format!("bench-{n}.sqlite")),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .expect("open");
    let programme = store.create_programme("Bench").expect("programme");
    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Wave".into(),
                ..Default::default()
            },
        )
        .expect("wave");
    (store, wave.id)
}

fn main() {
    let rows = mixwell_roster::demo::roster(2027, ROWS);
    let files = [("CSV", csv(&rows)), ("XLSX", xlsx(&rows))];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    println!("{ROWS} participants, {RUNS} runs each");
    for (format, bytes) in &files {
        println!("{format}: {} KiB", bytes.len() / 1024);
        time(|| {
            let start = Instant::now();
            let roster = mixwell_roster::parse(bytes);
            assert_eq!(roster.rows.len(), ROWS);
            start.elapsed()
        })
        .report(&format!("  read and check ({format})"));

        time(|| {
            n += 1;
            let (mut store, wave) = fresh_wave(&dir, n);
            let start = Instant::now();
            let roster = mixwell_roster::parse(bytes);
            let summary = store
                .import_roster(wave, roster, &mut |_, _| {})
                .expect("import");
            let took = start.elapsed();
            assert_eq!(summary.added as usize, ROWS);
            took
        })
        .report(&format!("  import into an empty wave ({format})"));

        n += 1;
        let (mut store, wave) = fresh_wave(&dir, n);
        store
            .import_roster(wave, mixwell_roster::parse(bytes), &mut |_, _| {})
            .expect("first import");
        time(|| {
            let start = Instant::now();
            let summary = store
                .import_roster(wave, mixwell_roster::parse(bytes), &mut |_, _| {})
                .expect("re-import");
            let took = start.elapsed();
            assert_eq!(summary.unchanged as usize, ROWS);
            took
        })
        .report(&format!("  import again, nothing changed ({format})"));
    }
}

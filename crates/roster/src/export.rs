//! Writes participants back out in the roster contract, so a roster exported from Mixwell
//! imports again unchanged.

use std::collections::BTreeSet;

use mixwell_domain::{ParticipantRecord, StandardField};

/// A CSV in the import contract: the standard columns, then every custom attribute by
/// name. Friends are listed by external id, separated by `;`.
pub fn to_csv<'a>(rows: impl IntoIterator<Item = (&'a ParticipantRecord, &'a [String])>) -> String {
    let rows: Vec<(&ParticipantRecord, &[String])> = rows.into_iter().collect();
    let custom: BTreeSet<&String> = rows.iter().flat_map(|(r, _)| r.custom.keys()).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = StandardField::ALL
        .iter()
        .map(|f| f.column_name().to_owned())
        .chain(custom.iter().map(|c| (*c).clone()));
    write(&mut writer, header);
    for (record, friends) in rows {
        let standard = StandardField::ALL.iter().map(|field| match field {
            StandardField::Friends => friends.join(";"),
            StandardField::DateOfBirth => record
                .date_of_birth
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            other => record.attribute(other.column_name()).unwrap_or_default(),
        });
        let extra = custom
            .iter()
            .map(|c| record.custom.get(*c).cloned().unwrap_or_default());
        write(&mut writer, standard.chain(extra));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn write(writer: &mut csv::Writer<Vec<u8>>, cells: impl Iterator<Item = String>) {
    // Writing to memory cannot fail.
    let _ = writer.write_record(cells.collect::<Vec<_>>());
}

/// A team set as `participant_id,group`, groups numbered from 1: the file `mixwell groups
/// form` writes, the app exports, and `--avoid-repeats` reads back.
pub fn teams_to_csv<'a>(rows: impl IntoIterator<Item = (&'a str, u32)>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write(
        &mut writer,
        ["participant_id".to_owned(), "group".to_owned()].into_iter(),
    );
    for (id, team) in rows {
        write(
            &mut writer,
            [id.to_owned(), (team + 1).to_string()].into_iter(),
        );
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

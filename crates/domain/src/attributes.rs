//! Counting a wave by attribute value: the numbers staff check before forming teams.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::participant::{Participant, COUNTABLE_FIELDS};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValueCount {
    /// Empty when the roster left the attribute blank ("Not stated" in the app).
    pub value: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttributeCount {
    pub attribute: String,
    /// Most common value first; ties by value.
    pub values: Vec<ValueCount>,
}

/// Counts per value of every standard countable attribute and every custom attribute the
/// participants carry.
pub fn attribute_counts(participants: &[Participant]) -> Vec<AttributeCount> {
    let custom: BTreeSet<&String> = participants
        .iter()
        .flat_map(|p| p.record.custom.keys())
        .collect();
    let names = COUNTABLE_FIELDS
        .iter()
        .map(|f| f.column_name().to_owned())
        .chain(custom.into_iter().cloned());
    names
        .map(|attribute| {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for p in participants {
                *counts
                    .entry(p.record.attribute(&attribute).unwrap_or_default())
                    .or_default() += 1;
            }
            let mut values: Vec<ValueCount> = counts
                .into_iter()
                .map(|(value, count)| ValueCount { value, count })
                .collect();
            values.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.value.cmp(&y.value)));
            AttributeCount { attribute, values }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Id, ParticipantRecord};
    use proptest::prelude::*;

    fn person(gender: &str, shirt: Option<&str>) -> Participant {
        let mut record = ParticipantRecord {
            gender: gender.into(),
            ..Default::default()
        };
        if let Some(s) = shirt {
            record.custom.insert("Shirt".into(), s.into());
        }
        Participant {
            id: Id::nil(),
            wave_id: Id::nil(),
            record,
            friends: vec![],
            keep_apart: vec![],
            keep_together: vec![],
        }
    }

    #[test]
    fn counts_standard_and_custom_attributes_most_common_first() {
        let people = vec![
            person("Male", Some("M")),
            person("Female", None),
            person("Female", Some("L")),
        ];
        let counts = attribute_counts(&people);
        let gender = counts.iter().find(|c| c.attribute == "gender").unwrap();
        assert_eq!(
            gender.values,
            vec![
                ValueCount {
                    value: "Female".into(),
                    count: 2
                },
                ValueCount {
                    value: "Male".into(),
                    count: 1
                },
            ]
        );
        let shirt = counts.iter().find(|c| c.attribute == "Shirt").unwrap();
        assert_eq!(
            shirt.values.iter().map(|v| v.count).sum::<u32>(),
            3,
            "blank counted as not stated"
        );
    }

    proptest! {
        #[test]
        fn every_attribute_counts_every_participant_once(genders in proptest::collection::vec("[A-C]", 0..40)) {
            let people: Vec<Participant> = genders.iter().map(|g| person(g, None)).collect();
            for attribute in attribute_counts(&people) {
                prop_assert_eq!(attribute.values.iter().map(|v| v.count as usize).sum::<usize>(), people.len());
            }
        }
    }
}

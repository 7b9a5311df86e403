//! A seeded generator of realistic rosters, for the demo programme and for benchmarks.
//!
//! Realistic means the things that make mixing hard: schools that differ in ethnic mix,
//! faith and deprivation, and about half the young people arriving with friends from their
//! own school. The names are invented; no real person is described.

use chrono::NaiveDate;
use mixwell_domain::ParticipantRecord;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::validate::RosterRow;

const ETHNICITIES: [&str; 5] = [
    "White",
    "Asian or Asian British",
    "Black or Black British",
    "Mixed or Multiple",
    "Other ethnic group",
];

/// Each school has its own intake: weights over ETHNICITIES and a share on free school meals.
struct School {
    name: &'static str,
    ethnic_weights: [u32; 5],
    fsm_percent: u32,
    size_weight: u32,
}

const SCHOOLS: [School; 8] = [
    School {
        name: "Oak College",
        ethnic_weights: [80, 6, 4, 8, 2],
        fsm_percent: 12,
        size_weight: 30,
    },
    School {
        name: "St Mary's School",
        ethnic_weights: [70, 5, 12, 10, 3],
        fsm_percent: 18,
        size_weight: 22,
    },
    School {
        name: "Park Academy",
        ethnic_weights: [25, 45, 15, 10, 5],
        fsm_percent: 38,
        size_weight: 18,
    },
    School {
        name: "Riverside Academy",
        ethnic_weights: [35, 15, 35, 12, 3],
        fsm_percent: 45,
        size_weight: 14,
    },
    School {
        name: "Hill High",
        ethnic_weights: [88, 3, 2, 6, 1],
        fsm_percent: 25,
        size_weight: 12,
    },
    School {
        name: "Eastgate School",
        ethnic_weights: [15, 65, 10, 6, 4],
        fsm_percent: 40,
        size_weight: 12,
    },
    School {
        name: "Canal Side College",
        ethnic_weights: [55, 10, 20, 12, 3],
        fsm_percent: 30,
        size_weight: 10,
    },
    School {
        name: "Moorland School",
        ethnic_weights: [92, 2, 1, 4, 1],
        fsm_percent: 8,
        size_weight: 8,
    },
];

const FIRST_NAMES: [&[&str]; 5] = [
    &[
        "Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Freya", "Oscar",
        "Megan", "Callum", "Ellie", "Rhys", "Poppy", "Alfie", "Niamh", "Owen", "Erin", "Ewan",
    ],
    &[
        "Aisha", "Mohammed", "Priya", "Arjun", "Fatima", "Ibrahim", "Zara", "Hamza", "Anaya",
        "Rohan", "Maryam", "Yusuf", "Simran", "Ayaan", "Noor", "Dev",
    ],
    &[
        "Amara", "Kwame", "Chiamaka", "Tobi", "Abena", "Malik", "Zainab", "Kofi", "Nia", "Jayden",
        "Imani", "Femi", "Adaeze", "Tyrese",
    ],
    &[
        "Maya", "Leon", "Jasmine", "Kai", "Layla", "Marcus", "Ruby", "Elijah", "Aaliyah", "Theo",
        "Sienna", "Isaac",
    ],
    &[
        "Mei", "Luca", "Sofia", "Mateo", "Yara", "Omar", "Lina", "Hiroshi", "Elena", "Karim",
        "Ana", "Tomasz",
    ],
];

const LAST_NAMES: [&[&str]; 5] = [
    &[
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts",
        "Walker", "Wright", "Hughes", "Edwards", "Green", "Hall", "Wood",
    ],
    &[
        "Khan",
        "Patel",
        "Hussain",
        "Ahmed",
        "Begum",
        "Ali",
        "Shah",
        "Singh",
        "Chowdhury",
        "Rahman",
        "Iqbal",
        "Sharma",
    ],
    &[
        "Okafor", "Mensah", "Adeyemi", "Campbell", "Boateng", "Johnson", "Asante", "Okoro",
        "Williams", "Francis",
    ],
    &[
        "Clarke", "Harris", "Lewis", "Robinson", "King", "Scott", "Baker", "Morris",
    ],
    &[
        "Nowak", "Silva", "Chen", "Haddad", "Kowalski", "Rossi", "Nguyen", "Santos", "Tanaka",
        "Kaya",
    ],
];

/// Faith weights for each ethnicity, over FAITHS.
const FAITHS: [&str; 8] = [
    "No religion",
    "Christian",
    "Muslim",
    "Hindu",
    "Sikh",
    "Jewish",
    "Buddhist",
    "Other",
];
const FAITH_WEIGHTS: [[u32; 8]; 5] = [
    [55, 40, 1, 0, 0, 2, 1, 1],
    [8, 3, 60, 15, 12, 0, 1, 1],
    [15, 65, 18, 0, 0, 0, 0, 2],
    [45, 35, 12, 2, 1, 1, 2, 2],
    [30, 35, 20, 2, 1, 2, 8, 2],
];

const GENDERS: [&str; 3] = ["Female", "Male", "Non-binary"];
const GENDER_WEIGHTS: [u32; 3] = [48, 49, 3];

const POSTCODE_AREAS: [&str; 8] = ["S1", "S2", "S3", "S5", "S6", "S7", "S10", "S11"];

fn pick_weighted<R: Rng>(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// A first name that fits the person: each list alternates girls' names (even places)
/// and boys' names (odd places); anyone else may have either.
fn first_name<R: Rng>(rng: &mut R, ethnicity: usize, gender: &str) -> &'static str {
    let names = FIRST_NAMES[ethnicity];
    let parity = match gender {
        "Female" => Some(0),
        "Male" => Some(1),
        _ => None,
    };
    let candidates: Vec<&'static str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| parity.is_none_or(|p| i % 2 == p))
        .map(|(_, n)| *n)
        .collect();
    candidates.choose(rng).copied().unwrap_or("Alex")
}

/// `size` young people with ids DEMO-0001…, the same for the same seed. Friends are
/// listed on one side only, as sign-up forms do.
pub fn roster(seed: u64, size: usize) -> Vec<RosterRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let school_count = (size / 20).clamp(3, SCHOOLS.len());
    let school_weights: Vec<u32> = SCHOOLS[..school_count]
        .iter()
        .map(|s| s.size_weight)
        .collect();
    let width = size.to_string().len().max(4);
    let mut rows: Vec<RosterRow> = (0..size)
        .map(|i| {
            let school = &SCHOOLS[pick_weighted(&mut rng, &school_weights)];
            let ethnicity = pick_weighted(&mut rng, &school.ethnic_weights);
            let faith = FAITHS[pick_weighted(&mut rng, &FAITH_WEIGHTS[ethnicity])];
            let gender = GENDERS[pick_weighted(&mut rng, &GENDER_WEIGHTS)];
            let born = NaiveDate::from_ymd_opt(2010, 9, 1).unwrap_or_default()
                + chrono::Days::new(rng.random_range(0..730));
            let school_index = SCHOOLS
                .iter()
                .position(|s| s.name == school.name)
                .unwrap_or(0);
            let record = ParticipantRecord {
                external_id: format!("DEMO-{:0width$}", i + 1),
                first_name: first_name(&mut rng, ethnicity, gender).to_owned(),
                last_name: (*LAST_NAMES[ethnicity].choose(&mut rng).unwrap_or(&"Smith")).to_owned(),
                date_of_birth: Some(born),
                gender: gender.to_owned(),
                ethnicity: ETHNICITIES[ethnicity].to_owned(),
                faith: faith.to_owned(),
                school: school.name.to_owned(),
                postcode: format!(
                    "{} {}{}{}",
                    POSTCODE_AREAS[(school_index + rng.random_range(0..2)) % POSTCODE_AREAS.len()],
                    rng.random_range(1..10),
                    char::from(b'A' + rng.random_range(0..26u8)),
                    char::from(b'A' + rng.random_range(0..26u8)),
                ),
                fsm: Some(rng.random_range(0..100) < school.fsm_percent),
                additional_needs: Some(rng.random_range(0..100) < 8),
                custom: Default::default(),
            };
            RosterRow {
                line: u32::try_from(i + 2).unwrap_or(u32::MAX),
                record,
                friends: Vec::new(),
                cells: Vec::new(),
            }
        })
        .collect();
    add_friend_groups(&mut rng, &mut rows);
    rows
}

/// About half the wave came with one to three friends from their own school.
fn add_friend_groups<R: Rng>(rng: &mut R, rows: &mut [RosterRow]) {
    let mut by_school: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, row) in rows.iter().enumerate() {
        by_school
            .entry(row.record.school.clone())
            .or_default()
            .push(i);
    }
    for members in by_school.values_mut() {
        // Shuffle deterministically, then cut into groups: singles and groups of 2–4.
        for i in (1..members.len()).rev() {
            members.swap(i, rng.random_range(0..=i));
        }
        let mut rest = members.as_slice();
        while !rest.is_empty() {
            let size = if rng.random_range(0..100) < 28 {
                rng.random_range(2..=4usize).min(rest.len())
            } else {
                1
            };
            let (group, tail) = rest.split_at(size);
            if let Some((&first, others)) = group.split_first() {
                let ids: Vec<String> = others
                    .iter()
                    .map(|&o| rows[o].record.external_id.clone())
                    .collect();
                rows[first].friends = ids;
            }
            rest = tail;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_roster() {
        assert_eq!(roster(7, 120), roster(7, 120));
        assert_ne!(roster(7, 120), roster(8, 120));
    }

    #[test]
    fn about_half_came_with_friends_from_their_own_school() {
        let rows = roster(1, 600);
        let mut with_friends = std::collections::HashSet::new();
        for row in &rows {
            for friend in &row.friends {
                let other = rows
                    .iter()
                    .find(|r| &r.record.external_id == friend)
                    .unwrap();
                assert_eq!(other.record.school, row.record.school);
                with_friends.insert(friend.clone());
                with_friends.insert(row.record.external_id.clone());
            }
        }
        let share = with_friends.len() as f64 / rows.len() as f64;
        assert!((0.35..0.75).contains(&share), "share with friends {share}");
    }

    #[test]
    fn demo_girls_and_boys_get_names_from_their_own_half_of_the_list() {
        for row in roster(3, 600) {
            let r = &row.record;
            let place = FIRST_NAMES
                .iter()
                .find_map(|names| names.iter().position(|n| *n == r.first_name))
                .unwrap();
            match r.gender.as_str() {
                "Female" => assert_eq!(place % 2, 0, "{} is {}", r.first_name, r.gender),
                "Male" => assert_eq!(place % 2, 1, "{} is {}", r.first_name, r.gender),
                _ => {}
            }
        }
    }
}

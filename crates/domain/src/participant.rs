//! Participants, their attributes and the relationships staff record between them.

use crate::sensitive::Sensitive;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

/// The columns of the roster contract that have a meaning of their own. Any other column
/// of a roster becomes a custom attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StandardField {
    Id,
    FirstName,
    LastName,
    DateOfBirth,
    Gender,
    Ethnicity,
    Faith,
    School,
    Postcode,
    Fsm,
    AdditionalNeeds,
    Friends,
}

impl StandardField {
    pub const ALL: [StandardField; 12] = [
        StandardField::Id,
        StandardField::FirstName,
        StandardField::LastName,
        StandardField::DateOfBirth,
        StandardField::Gender,
        StandardField::Ethnicity,
        StandardField::Faith,
        StandardField::School,
        StandardField::Postcode,
        StandardField::Fsm,
        StandardField::AdditionalNeeds,
        StandardField::Friends,
    ];

    /// The column name as the roster contract spells it.
    pub fn column_name(self) -> &'static str {
        match self {
            StandardField::Id => "id",
            StandardField::FirstName => "first_name",
            StandardField::LastName => "last_name",
            StandardField::DateOfBirth => "date_of_birth",
            StandardField::Gender => "gender",
            StandardField::Ethnicity => "ethnicity",
            StandardField::Faith => "faith",
            StandardField::School => "school",
            StandardField::Postcode => "postcode",
            StandardField::Fsm => "fsm",
            StandardField::AdditionalNeeds => "additional_needs",
            StandardField::Friends => "friends",
        }
    }

    /// Recognises a header cell, ignoring case, spaces and underscores.
    pub fn from_header(header: &str) -> Option<StandardField> {
        let wanted = normalise_header(header);
        Self::ALL
            .into_iter()
            .find(|field| normalise_header(field.column_name()) == wanted)
    }
}

/// Header matching ignores case, spaces and underscores ("First Name" = "first_name").
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a roster says about one young person. `external_id` is the sign-up system's id,
/// which is how an updated roster finds the participant again.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParticipantRecord {
    pub external_id: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: String,
    pub ethnicity: String,
    pub faith: String,
    pub school: String,
    pub postcode: String,
    pub fsm: Option<bool>,
    pub additional_needs: Option<bool>,
    /// Columns outside the contract, by their header as written in the roster.
    pub custom: BTreeMap<String, String>,
}

/// Only the roster id shows: everything else about the young person is [`Sensitive`], so a
/// record printed by a panic, a test failure or a log line gives nothing away.
impl std::fmt::Debug for ParticipantRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = Sensitive::new(());
        f.debug_struct("ParticipantRecord")
            .field("external_id", &self.external_id)
            .field("first_name", &hidden)
            .field("last_name", &hidden)
            .field("date_of_birth", &hidden)
            .field("gender", &hidden)
            .field("ethnicity", &hidden)
            .field("faith", &hidden)
            .field("school", &hidden)
            .field("postcode", &hidden)
            .field("fsm", &hidden)
            .field("additional_needs", &hidden)
            .field("custom", &hidden)
            .finish()
    }
}

/// The attributes a wave can be counted, filtered and (later) balanced on, in display order.
pub const COUNTABLE_FIELDS: [StandardField; 6] = [
    StandardField::Gender,
    StandardField::Ethnicity,
    StandardField::Faith,
    StandardField::School,
    StandardField::Fsm,
    StandardField::AdditionalNeeds,
];

impl ParticipantRecord {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The value of an attribute as it is shown and counted: standard attributes by their
    /// column name, custom ones by their header. `None` when the participant has no such
    /// attribute at all.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "Yes".to_owned(),
            Some(false) => "No".to_owned(),
            None => String::new(),
        };
        match StandardField::from_header(name) {
            Some(StandardField::Id) => Some(self.external_id.clone()),
            Some(StandardField::FirstName) => Some(self.first_name.clone()),
            Some(StandardField::LastName) => Some(self.last_name.clone()),
            Some(StandardField::DateOfBirth) => Some(
                self.date_of_birth
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
            ),
            Some(StandardField::Gender) => Some(self.gender.clone()),
            Some(StandardField::Ethnicity) => Some(self.ethnicity.clone()),
            Some(StandardField::Faith) => Some(self.faith.clone()),
            Some(StandardField::School) => Some(self.school.clone()),
            Some(StandardField::Postcode) => Some(self.postcode.clone()),
            Some(StandardField::Fsm) => Some(yes_no(self.fsm)),
            Some(StandardField::AdditionalNeeds) => Some(yes_no(self.additional_needs)),
            Some(StandardField::Friends) => None,
            None => self.custom.get(name).cloned(),
        }
    }

    /// Names the fields that differ between two records, for "what changed" reports.
    pub fn changed_fields(&self, other: &ParticipantRecord) -> Vec<String> {
        let mut changed: Vec<String> = StandardField::ALL
            .into_iter()
            .filter(|f| !matches!(f, StandardField::Friends))
            .filter(|f| self.attribute(f.column_name()) != other.attribute(f.column_name()))
            .map(|f| f.column_name().to_owned())
            .collect();
        let keys: std::collections::BTreeSet<&String> =
            self.custom.keys().chain(other.custom.keys()).collect();
        changed.extend(
            keys.into_iter()
                .filter(|k| self.custom.get(*k) != other.custom.get(*k))
                .cloned(),
        );
        changed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Participant {
    pub id: Id,
    pub wave_id: Id,
    pub record: ParticipantRecord,
    /// External ids of this participant's pre-existing friends in the same wave.
    pub friends: Vec<String>,
    /// External ids of people staff asked to keep in another team.
    pub keep_apart: Vec<String>,
    /// External ids of people staff asked to keep in the same team.
    pub keep_together: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RelationshipKind {
    /// Came with each other: grouping keeps them apart so they meet new people.
    Friend,
    KeepApart,
    KeepTogether,
}

impl RelationshipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationshipKind::Friend => "friend",
            RelationshipKind::KeepApart => "keep_apart",
            RelationshipKind::KeepTogether => "keep_together",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Friend, Self::KeepApart, Self::KeepTogether]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A symmetric relationship; `a < b` always, so a pair is stored once whichever side
/// named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Relationship {
    pub a: Id,
    pub b: Id,
    pub kind: RelationshipKind,
}

impl Relationship {
    /// `None` for a person related to themself.
    pub fn new(x: Id, y: Id, kind: RelationshipKind) -> Option<Self> {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => Some(Self { a: x, b: y, kind }),
            std::cmp::Ordering::Greater => Some(Self { a: y, b: x, kind }),
            std::cmp::Ordering::Equal => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_printed_for_debugging_shows_its_roster_id_and_nothing_personal() {
        let record = ParticipantRecord {
            external_id: "H17".into(),
            first_name: "Zebedee".into(),
            last_name: "Quartermaine".into(),
            ethnicity: "Mixed White and Black Caribbean".into(),
            faith: "Quaker".into(),
            postcode: "S33 6RB".into(),
            additional_needs: Some(true),
            ..Default::default()
        };
        let printed = format!("{record:?} {record:#?}");
        assert!(printed.contains("H17"));
        for secret in [
            "Zebedee",
            "Quartermaine",
            "Caribbean",
            "Quaker",
            "S33",
            "true",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn headers_match_ignoring_case_spaces_and_underscores() {
        assert_eq!(
            StandardField::from_header("First Name"),
            Some(StandardField::FirstName)
        );
        assert_eq!(
            StandardField::from_header(" DATE_OF_BIRTH "),
            Some(StandardField::DateOfBirth)
        );
        assert_eq!(
            StandardField::from_header("additionalneeds"),
            Some(StandardField::AdditionalNeeds)
        );
        assert_eq!(StandardField::from_header("ID"), Some(StandardField::Id));
        assert_eq!(StandardField::from_header("shirt size"), None);
    }

    #[test]
    fn relationship_is_stored_the_same_way_from_either_side() {
        let x = Id::from_u128(1);
        let y = Id::from_u128(2);
        assert_eq!(
            Relationship::new(x, y, RelationshipKind::Friend),
            Relationship::new(y, x, RelationshipKind::Friend)
        );
        assert_eq!(Relationship::new(x, x, RelationshipKind::Friend), None);
    }

    #[test]
    fn changed_fields_names_standard_and_custom_differences() {
        let mut a = ParticipantRecord {
            external_id: "P1".into(),
            first_name: "Ada".into(),
            ..Default::default()
        };
        a.custom.insert("Shirt".into(), "M".into());
        let mut b = a.clone();
        b.first_name = "Ada-May".into();
        b.fsm = Some(true);
        b.custom.insert("Shirt".into(), "L".into());
        assert_eq!(a.changed_fields(&b), vec!["first_name", "fsm", "Shirt"]);
        assert!(a.changed_fields(&a).is_empty());
    }
}

//! A certificate's facts, and the Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable
//! Credential 2.0) that carries them.
//!
//! The credential is the certificate: the PDF's page, the verification page and the CLI all
//! show what [`read`] takes back out of a signed credential, never what a page says. Each
//! fact has one place in it:
//! - the participant: `credentialSubject.name`, and an `IdentityObject` of type `name` (Open
//!   Badges asks for an identifier; no e-mail address or id of the young person is put in);
//! - the period: `activityStartDate` and `activityEndDate` (first and last verified day);
//! - the verification code: the achievement's `otherIdentifier` of type
//!   `ext:VerificationCode`; the hub's address, where one verifies it: the issuer's `url`;
//! - its place in the revocation status list, when it has one: `credentialStatus`, a
//!   `BitstringStatusListEntry` (W3C Bitstring Status List 1.0);
//! - the hours: one `Result` per `ResultDescription` of the achievement, told apart by the
//!   description's id: `#hours` (in total), `#with-N` (with one volunteering organisation,
//!   named by the description) and `#milestone-N` (a milestone reached, on the day in the
//!   result's value). Hours are written as people read them ("16 h 30 min").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use mixwell_domain::hours::hours_and_minutes;

use crate::jsonld::{CREDENTIALS_V2, OPEN_BADGES_V3};

/// Everything a certificate states, as the laptop's records give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The organisation that issues it.
    pub organisation: String,
    pub participant_name: String,
    pub programme: String,
    pub wave: String,
    /// Verified minutes, in total.
    pub minutes: u32,
    /// The first and last day with verified minutes.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Verified minutes with each volunteering organisation, by name.
    pub by_organisation: Vec<OrganisationMinutes>,
    /// Milestones reached, in the order they were reached.
    pub milestones: Vec<Reached>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationMinutes {
    pub name: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    pub name: String,
    pub reached_on: NaiveDate,
}

impl Certificate {
    /// Where the certificate is verified: the hub's page for its code.
    pub fn verify_url(&self) -> Option<String> {
        let hub = self.issuer_url.as_deref()?.trim_end_matches('/');
        Some(format!("{hub}/verify/{}", self.code))
    }
}

impl Facts {
    /// A digest of the facts: two certificates state the same when their digests are equal.
    pub fn digest(&self) -> [u8; 32] {
        let text = serde_json::to_string(self).expect("facts always serialise");
        Sha256::digest(text.as_bytes()).into()
    }
}

/// Who signs: the issuer's id (a DID), the key's id under it, and the organisation's hub,
/// where its certificates are verified (none for a laptop that is its own organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub id: String,
    pub verification_method: String,
    pub url: Option<String>,
}

/// The credential's own number and code, the time it was issued, and its place in a
/// revocation status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub number: String,
    /// `XXXX-XXXX-XXXX-C`.
    pub code: String,
    pub issued_at: DateTime<Utc>,
    pub status: Option<StatusEntry>,
}

/// A place in a W3C Bitstring Status List: the list credential's address and the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub list: String,
    pub index: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the credential is not a Mixwell certificate: {0}")]
pub struct CredentialError(pub String);

/// What a signed certificate says, read back from its credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    pub number: String,
    pub code: String,
    pub issuer_id: String,
    /// The hub's address, when the organisation has one.
    pub issuer_url: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub facts: Facts,
}

const NUMBER_PREFIX: &str = "urn:mixwell:certificate:";
const ACHIEVEMENT_NAME: &str = "Volunteering";

/// The unsigned credential stating `facts`, issued by `issuer` as `issue`.
pub fn build(facts: &Facts, issuer: &Issuer, issue: &Issue) -> Map<String, Value> {
    let achievement_id = format!("{NUMBER_PREFIX}{}#achievement", issue.number);
    let description = |kind: &str, name: &str, result_type: &str| {
        serde_json::json!({
            "id": format!("{achievement_id}-{kind}"),
            "type": ["ResultDescription"],
            "name": name,
            "resultType": result_type,
        })
    };
    let mut descriptions = vec![description(
        "hours",
        "Verified volunteering hours",
        "ext:Hours",
    )];
    let mut results = vec![result(
        &achievement_id,
        "hours",
        hours_and_minutes(facts.minutes),
    )];
    for (i, with) in facts.by_organisation.iter().enumerate() {
        let kind = format!("with-{}", i + 1);
        descriptions.push(description(&kind, &with.name, "ext:Hours"));
        results.push(result(
            &achievement_id,
            &kind,
            hours_and_minutes(with.minutes),
        ));
    }
    for (i, milestone) in facts.milestones.iter().enumerate() {
        let kind = format!("milestone-{}", i + 1);
        descriptions.push(description(&kind, &milestone.name, "ext:DateReached"));
        results.push(result(
            &achievement_id,
            &kind,
            milestone.reached_on.format("%Y-%m-%d").to_string(),
        ));
    }
    let credential = serde_json::json!({
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": format!("{NUMBER_PREFIX}{}", issue.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("{ACHIEVEMENT_NAME}: {}", facts.programme),
        "issuer": issuer_profile(issuer, &facts.organisation),
        "validFrom": issue.issued_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.participant_name,
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": false,
                "identityHash": facts.participant_name,
            }],
            "activityStartDate": midnight(facts.first_day),
            "activityEndDate": midnight(facts.last_day),
            "term": facts.wave,
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "ext:Volunteering",
                "otherIdentifier": [{
                    "type": "IdentifierEntry",
                    "identifier": issue.code,
                    "identifierType": "ext:VerificationCode",
                }],
                "name": format!("{ACHIEVEMENT_NAME}: {}", facts.programme),
                "description": format!(
                    "Volunteering hours verified by {} during {} ({}).",
                    facts.organisation, facts.programme, facts.wave
                ),
                "criteria": {
                    "narrative": "Hours count once a member of staff has verified them against the volunteering organisation's signature.",
                },
                "resultDescription": descriptions,
            },
            "result": results,
        },
    });
    let mut credential = match credential {
        Value::Object(map) => map,
        _ => unreachable!("the credential is an object"),
    };
    if let Some(status) = &issue.status {
        credential.insert(
            "credentialStatus".into(),
            serde_json::json!({
                "id": format!("{}#{}", status.list, status.index),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": status.index.to_string(),
                "statusListCredential": status.list,
            }),
        );
    }
    credential
}

fn issuer_profile(issuer: &Issuer, organisation: &str) -> Value {
    let mut profile = serde_json::json!({
        "id": issuer.id,
        "type": ["Profile"],
        "name": organisation,
    });
    if let Some(url) = &issuer.url {
        profile["url"] = url.clone().into();
    }
    profile
}

fn result(achievement_id: &str, kind: &str, value: String) -> Value {
    serde_json::json!({
        "type": ["Result"],
        "resultDescription": format!("{achievement_id}-{kind}"),
        "value": value,
    })
}

fn midnight(day: NaiveDate) -> String {
    format!("{}T00:00:00Z", day.format("%Y-%m-%d"))
}

/// What a credential states, if it is one [`build`] made.
pub fn read(credential: &Value) -> Result<Certificate, CredentialError> {
    let fail = |what: &str| CredentialError(what.to_owned());
    let text = |value: &Value, path: &[&str]| -> Result<String, CredentialError> {
        let mut at = value;
        for key in path {
            at = at
                .get(key)
                .ok_or_else(|| fail(&format!("it has no {}", path.join("."))))?;
        }
        at.as_str()
            .map(str::to_owned)
            .ok_or_else(|| fail(&format!("its {} is not text", path.join("."))))
    };
    let number = text(credential, &["id"])?
        .strip_prefix(NUMBER_PREFIX)
        .map(str::to_owned)
        .ok_or_else(|| fail("its id is not a certificate number"))?;
    let subject = credential
        .get("credentialSubject")
        .ok_or_else(|| fail("it has no credentialSubject"))?;
    let achievement = subject
        .get("achievement")
        .ok_or_else(|| fail("it has no achievement"))?;
    let achievement_id = text(achievement, &["id"])?;
    let names: Vec<(String, String)> = achievement
        .get("resultDescription")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("its achievement describes no results"))?
        .iter()
        .map(|d| Ok((text(d, &["id"])?, text(d, &["name"])?)))
        .collect::<Result<_, CredentialError>>()?;
    let mut minutes = None;
    let mut by_organisation = Vec::new();
    let mut milestones = Vec::new();
    for r in subject
        .get("result")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("it has no results"))?
    {
        let described = text(r, &["resultDescription"])?;
        let value = text(r, &["value"])?;
        let kind = described
            .strip_prefix(&achievement_id)
            .and_then(|k| k.strip_prefix('-'))
            .ok_or_else(|| fail("a result is not of its achievement"))?;
        let name = || {
            names
                .iter()
                .find(|(id, _)| *id == described)
                .map(|(_, name)| name.clone())
                .ok_or_else(|| fail("a result has no description"))
        };
        let hours = |value: &str| {
            parse_hours_and_minutes(value).ok_or_else(|| fail(&format!("{value:?} is not hours")))
        };
        if kind == "hours" {
            minutes = Some(hours(&value)?);
        } else if kind.starts_with("with-") {
            by_organisation.push(OrganisationMinutes {
                name: name()?,
                minutes: hours(&value)?,
            });
        } else if kind.starts_with("milestone-") {
            milestones.push(Reached {
                name: name()?,
                reached_on: NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                    .map_err(|_| fail("a milestone's day is not a date"))?,
            });
        } else {
            return Err(fail("a result is of an unknown kind"));
        }
    }
    let day = |field: &str| -> Result<NaiveDate, CredentialError> {
        let value = text(subject, &[field])?;
        value
            .strip_suffix("T00:00:00Z")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| fail(&format!("its {field} is not a day")))
    };
    let programme = text(achievement, &["name"])?
        .strip_prefix(&format!("{ACHIEVEMENT_NAME}: "))
        .map(str::to_owned)
        .ok_or_else(|| fail("its achievement is not volunteering"))?;
    let code = achievement
        .get("otherIdentifier")
        .and_then(Value::as_array)
        .and_then(|ids| {
            ids.iter().find(|i| {
                i.get("identifierType").and_then(Value::as_str) == Some("ext:VerificationCode")
            })
        })
        .ok_or_else(|| fail("it has no verification code"))
        .and_then(|entry| text(entry, &["identifier"]))?;
    let issuer_url = match credential.pointer("/issuer/url") {
        None => None,
        Some(_) => Some(text(credential, &["issuer", "url"])?),
    };
    Ok(Certificate {
        number,
        code,
        issuer_id: text(credential, &["issuer", "id"])?,
        issuer_url,
        issued_at: DateTime::parse_from_rfc3339(&text(credential, &["validFrom"])?)
            .map_err(|_| fail("its validFrom is not a time"))?
            .with_timezone(&Utc),
        facts: Facts {
            organisation: text(credential, &["issuer", "name"])?,
            participant_name: text(subject, &["name"])?,
            programme,
            wave: text(subject, &["term"])?,
            minutes: minutes.ok_or_else(|| fail("it states no total of hours"))?,
            first_day: day("activityStartDate")?,
            last_day: day("activityEndDate")?,
            by_organisation,
            milestones,
        },
    })
}

/// Reads what [`hours_and_minutes`] writes.
fn parse_hours_and_minutes(text: &str) -> Option<u32> {
    let number = |t: &str| t.parse::<u32>().ok();
    match text.split(' ').collect::<Vec<_>>().as_slice() {
        [m, "min"] => number(m),
        [h, "h"] => number(h)?.checked_mul(60),
        [h, "h", m, "min"] => number(h)?.checked_mul(60)?.checked_add(number(m)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn hours_read_back_as_written(minutes in 0u32..10_000_000) {
            prop_assert_eq!(parse_hours_and_minutes(&hours_and_minutes(minutes)), Some(minutes));
        }
    }
}

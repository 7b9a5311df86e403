//! Subject access: everything Mixwell holds about one young person, as JSON (complete, for
//! the organisation's records) and as a readable PDF (for the young person or their parent
//! or carer). Other young people appear only as counts, never by name: their data is not
//! the requester's to see. The export is noted on the audit trail.

use chrono::{DateTime, Utc};
use mixwell_domain::hours::Status;
use mixwell_domain::{AuditAction, Id, ParticipantRecord};
use mixwell_store::{HoursTimeline, Store};
use serde::Serialize;

use crate::export::ExportFile;
use crate::ActionResult;

#[derive(Debug, Clone, Serialize)]
pub struct SubjectAccess {
    pub participant_id: Id,
    /// When this copy was made (UTC).
    pub made_at: DateTime<Utc>,
    pub programme: String,
    pub wave: String,
    pub site: String,
    pub record: ParticipantRecord,
    /// How many other young people are linked to them, by kind (named nowhere here).
    pub friends: usize,
    pub kept_apart_from: usize,
    pub kept_together_with: usize,
    pub teams: Vec<TeamPlace>,
    pub leadership_turns: Vec<LeadershipTurn>,
    pub absences: Vec<String>,
    pub hours: HoursTimeline,
    pub certificates: Vec<CertificateHeld>,
    /// Every time their own record was changed or exported, from this laptop's audit trail.
    pub record_history: Vec<RecordEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamPlace {
    pub team_set: String,
    /// From 1, as staff see it.
    pub team: u32,
    pub saved_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadershipTurn {
    pub session: String,
    pub role: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateHeld {
    pub number: String,
    pub issued_at: String,
    pub revoked: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordEvent {
    pub at: DateTime<Utc>,
    pub action: AuditAction,
}

/// Gathers what is held about `participant_id`.
pub fn gather(store: &Store, participant_id: Id) -> ActionResult<SubjectAccess> {
    let person = store.participant(participant_id)?;
    let wave = store.wave(person.wave_id)?;
    let programme = store.programme(wave.programme_id)?;
    let sessions = store.sessions(programme.id)?;
    let roles = store.roles(programme.id)?;
    let session_name = |id: Id| {
        sessions
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| "a session since removed".to_owned(), |s| s.name.clone())
    };
    let teams = store
        .team_sets(wave.id)?
        .into_iter()
        .filter_map(|set| {
            let place = set
                .placements
                .iter()
                .find(|p| p.participant_id == participant_id)?;
            Some(TeamPlace {
                team_set: set.name.clone(),
                team: place.team + 1,
                saved_at: set.saved_at.clone(),
            })
        })
        .collect();
    let leadership_turns = store
        .turns(wave.id)?
        .into_iter()
        .filter(|t| t.participant_id == participant_id)
        .map(|t| LeadershipTurn {
            session: session_name(t.session_id),
            role: roles
                .iter()
                .find(|r| r.id == t.role_id)
                .map_or_else(|| "a role since removed".to_owned(), |r| r.name.clone()),
            done: t.done,
        })
        .collect();
    let absences = store
        .absences(wave.id)?
        .into_iter()
        .filter(|a| a.participant_id == participant_id)
        .map(|a| session_name(a.session_id))
        .collect();
    let certificates = store
        .certificates_of(participant_id)?
        .into_iter()
        .map(|c| CertificateHeld {
            number: c.number,
            issued_at: c.issued_at,
            revoked: c.revocation.map(|r| r.reason),
        })
        .collect();
    let record_history = store
        .audit_about(&participant_id.to_string())?
        .into_iter()
        .map(|link| RecordEvent {
            at: DateTime::from_timestamp_millis(i64::try_from(link.at_ms).unwrap_or(i64::MAX))
                .unwrap_or_default(),
            action: link.action,
        })
        .collect();
    Ok(SubjectAccess {
        participant_id,
        made_at: store.now(),
        programme: programme.name,
        wave: wave.name,
        site: wave.site,
        friends: person.friends.len(),
        kept_apart_from: person.keep_apart.len(),
        kept_together_with: person.keep_together.len(),
        record: person.record,
        teams,
        leadership_turns,
        absences,
        hours: store.hours_timeline(participant_id)?,
        certificates,
        record_history,
    })
}

/// The subject access copy as a file: JSON, or a readable PDF.
pub fn export(store: &Store, participant_id: Id, pdf: bool) -> ActionResult<ExportFile> {
    let access = gather(store, participant_id)?;
    store.note(
        AuditAction::Export,
        "participant",
        &participant_id.to_string(),
    )?;
    let name = format!("Subject access {}", access.record.external_id);
    if !pdf {
        let mut bytes =
            serde_json::to_vec_pretty(&access).map_err(mixwell_store::StoreError::from)?;
        bytes.push(b'\n');
        return Ok(ExportFile {
            name,
            extension: "json",
            bytes,
        });
    }
    Ok(ExportFile {
        name,
        extension: "pdf",
        bytes: mixwell_print::sections(&document(&access))?,
    })
}

fn document(access: &SubjectAccess) -> mixwell_print::SectionsDocument {
    use mixwell_print::Section;
    let r = &access.record;
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not given",
    };
    let given = |v: &str| {
        if v.trim().is_empty() {
            "not given".to_owned()
        } else {
            v.to_owned()
        }
    };
    let date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut about = vec![
        format!("Name: {}", r.full_name()),
        format!("Roster id: {}", r.external_id),
        format!(
            "Date of birth: {}",
            r.date_of_birth.map_or("not given".into(), date)
        ),
        format!("Gender: {}", given(&r.gender)),
        format!("Ethnicity: {}", given(&r.ethnicity)),
        format!("Faith: {}", given(&r.faith)),
        format!("School: {}", given(&r.school)),
        format!("Postcode: {}", given(&r.postcode)),
        format!("Free school meals: {}", yes_no(r.fsm)),
        format!("Additional needs: {}", yes_no(r.additional_needs)),
    ];
    about.extend(r.custom.iter().map(|(k, v)| format!("{k}: {v}")));
    let mut sections = vec![
        Section {
            heading: "About you".into(),
            lines: about,
        },
        Section {
            heading: "Other young people".into(),
            lines: vec![format!(
                "Friends you listed: {}; people staff kept in another team: {}; kept in the same team: {} (their names are theirs, so they are not shown)",
                access.friends, access.kept_apart_from, access.kept_together_with
            )],
        },
    ];
    let or_none = |lines: Vec<String>, none: &str| {
        if lines.is_empty() {
            vec![none.to_owned()]
        } else {
            lines
        }
    };
    sections.push(Section {
        heading: "Teams".into(),
        lines: or_none(
            access
                .teams
                .iter()
                .map(|t| format!("{}: team {}", t.team_set, t.team))
                .collect(),
            "No teams saved yet.",
        ),
    });
    sections.push(Section {
        heading: "Leadership turns".into(),
        lines: or_none(
            access
                .leadership_turns
                .iter()
                .map(|t| {
                    format!(
                        "{}: {}{}",
                        t.session,
                        t.role,
                        if t.done { " (done)" } else { "" }
                    )
                })
                .collect(),
            "None planned.",
        ),
    });
    sections.push(Section {
        heading: "Sessions marked away".into(),
        lines: or_none(access.absences.clone(), "None."),
    });
    let totals = &access.hours.hours.totals;
    let mut hours = vec![format!(
        "Verified: {}; waiting for a decision: {}",
        mixwell_domain::hours::hours_and_minutes(totals.verified_minutes),
        mixwell_domain::hours::hours_and_minutes(totals.pending_minutes)
    )];
    hours.extend(access.hours.entries.iter().map(|e| {
        let status = match e.effective.status {
            Status::Pending => "waiting for a decision",
            Status::Verified => "verified",
            Status::Rejected => "not accepted",
            Status::Voided => "withdrawn",
        };
        format!(
            "{} at {}: {} ({status})",
            date(e.original.date),
            e.organisation,
            mixwell_domain::hours::hours_and_minutes(e.effective.minutes),
        )
    }));
    sections.push(Section {
        heading: "Volunteering hours".into(),
        lines: hours,
    });
    sections.push(Section {
        heading: "Certificates".into(),
        lines: or_none(
            access
                .certificates
                .iter()
                .map(|c| match &c.revoked {
                    Some(reason) => format!("{} (revoked: {reason})", c.number),
                    None => c.number.clone(),
                })
                .collect(),
            "None issued.",
        ),
    });
    sections.push(Section {
        heading: "Changes to and copies of your record on this laptop".into(),
        lines: or_none(
            access
                .record_history
                .iter()
                .map(|e| {
                    let what = match e.action {
                        AuditAction::Insert => "your record was made",
                        AuditAction::Update => "your record was changed",
                        AuditAction::Delete => "your record was removed",
                        AuditAction::Read => "your record was looked at",
                        AuditAction::Export => "a copy was made (a certificate or this document)",
                    };
                    format!(
                        "{}: {what}",
                        e.at.with_timezone(&chrono_tz::Europe::London)
                            .format("%d/%m/%Y %H:%M")
                    )
                })
                .collect(),
            "None recorded.",
        ),
    });
    mixwell_print::SectionsDocument {
        title: format!("Your data held by {}", access.programme),
        subtitle: format!(
            "{} · {} · made {}",
            access.wave,
            access.site,
            access
                .made_at
                .with_timezone(&chrono_tz::Europe::London)
                .format("%d/%m/%Y")
        ),
        sections,
    }
}

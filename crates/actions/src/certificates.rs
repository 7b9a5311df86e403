//! Volunteer-hour certificates: issuing one from a participant's verified hours (the same
//! file again while nothing changed), a wave's at once, revoking one, and checking one.
//!
//! Until the laptop is enrolled with a hub it is its own organisation and signs with its
//! own key, named by did:key; `organisation_keys` is then that key's DID document.

use chrono::{DateTime, Datelike, Utc};
use ed25519_dalek::SigningKey;
use mixwell_domain::AuditAction;
use serde::Serialize;
use serde_json::Value;

use mixwell_certificates::credential::{
    self, Facts, Issuer, OrganisationMinutes, Reached, StatusEntry,
};
use mixwell_certificates::jsonld::Contexts;
use mixwell_certificates::keys::{did_key, did_key_method, did_web, key_fragment, KeySet};
use mixwell_certificates::verify::{self, Revocation, Verdict};
use mixwell_certificates::VerificationCode;
use mixwell_domain::hours::{hours_and_minutes, london_date, uk_date, Status};
use mixwell_domain::Id;
use mixwell_print::CertificatePage;
use mixwell_store::{IssuedCertificate, NewCertificate, Store};

use crate::error::{ActionError, ActionResult};
use crate::export::ExportFile;
use crate::hours::Operator;

/// A certificate ready to save: its number, code and PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateExport {
    pub participant_id: Id,
    pub number: String,
    pub code: String,
    /// Whether this export issued it (false: the same certificate as before, again).
    pub newly_issued: bool,
    pub file: ExportFile,
}

fn certificate_error(e: impl std::fmt::Display) -> ActionError {
    ActionError::Certificate(e.to_string())
}

/// The key this laptop signs with while it is its own organisation.
fn own_key(store: &mut Store) -> ActionResult<SigningKey> {
    Ok(SigningKey::from_bytes(
        &store.issuing_secret(rand::random())?,
    ))
}

/// Who signs this laptop's certificates, and with what. Enrolled with a hub, the laptop
/// signs for the organisation with its device key, which the hub vouches for by publishing
/// it (the organisation's did:web document); until then it is its own organisation, named
/// by its own key (did:key).
fn identity(store: &mut Store) -> ActionResult<(Issuer, SigningKey)> {
    match store.sync_link()? {
        Some(link) => {
            let key = mixwell_sync::round::device_key(&link)?.ed25519().clone();
            let did = did_web(&link.hub_url).map_err(certificate_error)?;
            Ok((
                Issuer {
                    verification_method: format!("{did}#{}", key_fragment(&key.verifying_key())),
                    id: did,
                    url: Some(link.hub_url.trim_end_matches('/').to_owned()),
                },
                key,
            ))
        }
        None => {
            let key = own_key(store)?;
            Ok((
                Issuer {
                    id: did_key(&key.verifying_key()),
                    verification_method: did_key_method(&key.verifying_key()),
                    url: None,
                },
                key,
            ))
        }
    }
}

/// The organisation's public keys, as a DID document anyone can check a certificate
/// against with no network: the hub's document as the hub last said at a sync (this
/// laptop's own key in it from enrolment on), or this laptop's own did:key.
pub fn organisation_keys(store: &mut Store) -> ActionResult<KeySet> {
    let Some(link) = store.sync_link()? else {
        return Ok(KeySet::of_did_key(&own_key(store)?.verifying_key()));
    };
    let did = did_web(&link.hub_url).map_err(certificate_error)?;
    let mut vouched: Vec<mixwell_sync::wire::IssuingKey> = match store.issuing_keys()? {
        Some(json) => serde_json::from_str(&json).map_err(certificate_error)?,
        None => Vec::new(),
    };
    let mine = mixwell_sync::round::device_key(&link)?.public_base64();
    if !vouched.iter().any(|k| k.public_key == mine) {
        // Enrolled, and not synced since: the hub has vouched for this key by enrolling it.
        vouched.push(mixwell_sync::wire::IssuingKey {
            public_key: mine,
            enrolled_at: link.enrolled_at,
            revoked_at: None,
        });
    }
    Ok(KeySet::of_keys(
        &did,
        vouched
            .iter()
            .filter_map(|k| Some((k.key()?, k.revoked_at))),
    ))
}

/// Every organisation this laptop can check certificates of: its organisation's keys, and
/// its own did:key for those it issued before it was enrolled.
pub fn known_keys(store: &mut Store) -> ActionResult<Vec<KeySet>> {
    let mut sets = vec![organisation_keys(store)?];
    if store.sync_link()?.is_some() {
        sets.push(KeySet::of_did_key(&own_key(store)?.verifying_key()));
    }
    Ok(sets)
}

/// What a certificate for this participant would state today, from verified hours only;
/// `None` when there are none.
pub fn facts(store: &Store, participant_id: Id) -> ActionResult<Option<Facts>> {
    let timeline = store.hours_timeline(participant_id)?;
    let participant = store.participant(participant_id)?;
    let wave = store.wave(participant.wave_id)?;
    let programme = store.programme(wave.programme_id)?;
    // A participant's programme made the organisation, so there always is one.
    let organisation = store
        .organisation()?
        .map(|o| o.name)
        .ok_or_else(|| certificate_error("this laptop has no organisation to issue from"))?;
    let verified: Vec<_> = timeline
        .entries
        .iter()
        .filter(|e| e.effective.status == Status::Verified && e.effective.minutes > 0)
        .collect();
    let (Some(first_day), Some(last_day)) = (
        verified.iter().map(|e| e.effective.date).min(),
        verified.iter().map(|e| e.effective.date).max(),
    ) else {
        return Ok(None);
    };
    let mut by_organisation: Vec<OrganisationMinutes> = Vec::new();
    for entry in &verified {
        match by_organisation
            .iter_mut()
            .find(|o| o.name == entry.organisation)
        {
            Some(with) => with.minutes += entry.effective.minutes,
            None => by_organisation.push(OrganisationMinutes {
                name: entry.organisation.clone(),
                minutes: entry.effective.minutes,
            }),
        }
    }
    by_organisation.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
    let mut milestones: Vec<Reached> = timeline
        .hours
        .milestones
        .iter()
        .filter_map(|m| {
            Some(Reached {
                name: format!("{} completed — {}", hours_in_words(m.minutes), m.name),
                reached_on: m.reached_on?,
            })
        })
        .collect();
    milestones.sort_by_key(|m| m.reached_on);
    Ok(Some(Facts {
        organisation,
        participant_name: timeline.hours.name.clone(),
        programme: programme.name,
        wave: wave.name,
        minutes: timeline.hours.totals.verified_minutes,
        first_day,
        last_day,
        by_organisation,
        milestones,
    }))
}

/// "16 hours", "1 hour", "1 h 30 min".
fn hours_in_words(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        _ => hours_and_minutes(minutes),
    }
}

fn digest_hex(facts: &Facts) -> String {
    facts.digest().iter().map(|b| format!("{b:02x}")).collect()
}

/// What one participant's certificate needs: the one issued before, when the facts are
/// unchanged since and it is not revoked, or a new one.
enum Plan {
    Reuse(IssuedCertificate),
    Issue {
        participant_id: Id,
        facts: Facts,
        digest: String,
        /// Certificates the participant was issued before.
        revision: u32,
    },
}

fn plan(store: &Store, participant_id: Id) -> ActionResult<(String, Plan)> {
    let Some(facts) = facts(store, participant_id)? else {
        let name = store.participant(participant_id)?.record.full_name();
        return Err(ActionError::NoVerifiedHours {
            name: mixwell_domain::Sensitive::new(name),
        });
    };
    let digest = digest_hex(&facts);
    let earlier = store.certificates_of(participant_id)?;
    let name = facts.participant_name.clone();
    let plan = match earlier
        .iter()
        .rev()
        .find(|c| c.facts_digest == digest && c.revocation.is_none())
    {
        Some(same) => Plan::Reuse(same.clone()),
        None => Plan::Issue {
            participant_id,
            revision: earlier.len() as u32,
            facts,
            digest,
        },
    };
    Ok((name, plan))
}

/// `f` of each item, in order, spread over the laptop's cores: signing and laying out
/// certificates are pure work, and a wave's are many.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The certificates of `participants`, in their order: planned from the records, the new
/// ones signed and recorded in one transaction, then each laid out as its PDF.
fn export_batch(
    store: &mut Store,
    participants: &[Id],
    operator: &Operator,
) -> ActionResult<Vec<CertificateExport>> {
    let plans = participants
        .iter()
        .map(|&id| plan(store, id))
        .collect::<ActionResult<Vec<_>>>()?;
    let (issuer, key) = identity(store)?;
    let issued_at =
        DateTime::from_timestamp(store.now().timestamp(), 0).expect("a whole second is a time");
    let contexts = Contexts::bundled();
    // An enrolled laptop gives each new certificate the next place in its own revocation
    // list at the hub: laptops never share a list, so places never clash offline.
    let device = store.device_id().to_string();
    let status_list = issuer
        .url
        .as_ref()
        .map(|hub| format!("{hub}/certificates/status/{device}"));
    let mut next_index = store.next_status_index(&device)?;
    let places: Vec<Option<StatusEntry>> = plans
        .iter()
        .map(|(_, plan)| match (plan, &status_list) {
            (Plan::Issue { .. }, Some(list)) => {
                next_index += 1;
                Some(StatusEntry {
                    list: list.clone(),
                    index: next_index - 1,
                })
            }
            _ => None,
        })
        .collect();
    let work: Vec<_> = plans.iter().zip(&places).collect();
    let signed = in_parallel(&work, |((_, plan), place)| match plan {
        Plan::Reuse(_) => Ok(None),
        Plan::Issue {
            facts, revision, ..
        } => mixwell_certificates::issue::issue(
            facts,
            &issuer,
            &key,
            issued_at,
            *revision,
            (*place).clone(),
            &contexts,
        )
        .map(Some)
        .map_err(certificate_error),
    });
    let issued: Vec<(IssuedCertificate, bool)> = store.atomically(|store| {
        plans
            .iter()
            .zip(signed)
            .zip(&places)
            .map(|(((_, plan), signed), place)| match (plan, signed?) {
                (Plan::Reuse(same), _) => Ok((same.clone(), false)),
                (
                    Plan::Issue {
                        participant_id,
                        digest,
                        ..
                    },
                    Some(made),
                ) => {
                    let recorded = store.record_certificate(&NewCertificate {
                        number: &made.number,
                        code: &made.code.to_string(),
                        participant_id: *participant_id,
                        facts_digest: digest,
                        issued_at: &issued_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        issued_by: operator.name(),
                        credential: &made.credential.to_string(),
                        status: place.as_ref().map(|p| (device.as_str(), p.index)),
                    })?;
                    Ok((recorded, true))
                }
                (Plan::Issue { .. }, None) => unreachable!("every new certificate was signed"),
            })
            .collect::<ActionResult<Vec<_>>>()
    })?;
    let pdfs = in_parallel(&issued, |(certificate, _)| {
        let credential: Value =
            serde_json::from_str(&certificate.credential).map_err(certificate_error)?;
        certificate_pdf(&credential)
    });
    issued
        .into_iter()
        .zip(pdfs)
        .zip(plans)
        .map(|(((certificate, newly_issued), pdf), (name, _))| {
            Ok(CertificateExport {
                participant_id: certificate.participant_id,
                file: ExportFile {
                    name: format!("Certificate {name} {}", certificate.number),
                    extension: "pdf",
                    bytes: pdf?,
                },
                number: certificate.number,
                code: certificate.code,
                newly_issued,
            })
        })
        .collect()
}

/// The participant's certificate: the one issued before if the facts are unchanged since
/// (and it is not revoked), otherwise a new one, recorded and signed now.
pub fn export_certificate(
    store: &mut Store,
    participant_id: Id,
    operator: &Operator,
) -> ActionResult<CertificateExport> {
    let export = export_batch(store, &[participant_id], operator)?
        .pop()
        .expect("one certificate for one participant");
    store.note(
        AuditAction::Export,
        "participant",
        &participant_id.to_string(),
    )?;
    Ok(export)
}

/// The PDF of an issued certificate, laid out from its signed credential alone, so a
/// certificate's file follows from its credential byte for byte (which is how a checked
/// file is told from an edited one).
fn certificate_pdf(credential: &Value) -> ActionResult<Vec<u8>> {
    let certificate = credential::read(credential).map_err(certificate_error)?;
    let facts = &certificate.facts;
    let issued_on = london_date(certificate.issued_at);
    let page = CertificatePage {
        organisation: facts.organisation.clone(),
        participant_name: facts.participant_name.clone(),
        total: hours_and_minutes(facts.minutes),
        programme: facts.programme.clone(),
        wave: facts.wave.clone(),
        period: format!(
            "{} to {}",
            uk_date(facts.first_day),
            uk_date(facts.last_day)
        ),
        by_organisation: facts
            .by_organisation
            .iter()
            .map(|o| (o.name.clone(), hours_and_minutes(o.minutes)))
            .collect(),
        milestones: facts
            .milestones
            .iter()
            .map(|m| (m.name.clone(), uk_date(m.reached_on)))
            .collect(),
        issued_on: uk_date(issued_on),
        issued_date: (
            issued_on.year() as u16,
            issued_on.month() as u8,
            issued_on.day() as u8,
        ),
        number: certificate.number.clone(),
        code: certificate.code.clone(),
        verify_url: certificate.verify_url(),
        credential: serde_json::to_vec_pretty(credential).map_err(certificate_error)?,
    };
    Ok(mixwell_print::certificate(&page)?)
}

/// Revokes a certificate, with the reason an employer checking it will read.
pub fn revoke_certificate(
    store: &mut Store,
    number: &str,
    reason: &str,
    operator: &Operator,
) -> ActionResult<IssuedCertificate> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ActionError::Invalid(
            "say why the certificate is revoked (--reason): an employer checking it reads this"
                .into(),
        ));
    }
    let before = store.certificate_by_number(number)?;
    if before.revocation.is_some() {
        return Err(ActionError::AlreadyRevoked {
            number: before.number,
        });
    }
    Ok(store.revoke_certificate(&before.number, reason, operator.name())?)
}

/// Checks a credential against `keys` and the revocations this laptop knows of.
pub fn check_credential(store: Option<&Store>, credential: &Value, keys: &[KeySet]) -> Verdict {
    verify::verify(
        credential,
        keys,
        |number| {
            let revocation = store?.certificate_by_number(number).ok()?.revocation?;
            Some(Revocation {
                reason: revocation.reason,
                revoked_at: DateTime::parse_from_rfc3339(&revocation.revoked_at)
                    .ok()?
                    .with_timezone(&Utc),
            })
        },
        &Contexts::bundled(),
    )
}

/// Checks a certificate's PDF: its attached credential must verify, and the file must be
/// exactly the one Mixwell makes from that credential, so an edited page is refused too.
/// What the verdict shows comes from the credential.
pub fn check_pdf(store: Option<&Store>, pdf: &[u8], keys: &[KeySet]) -> Verdict {
    let credential = match mixwell_certificates::pdf::attached_credential(pdf) {
        Ok(credential) => credential,
        Err(e) => return Verdict::NotGenuine(e.to_string()),
    };
    let verdict = check_credential(store, &credential, keys);
    if verdict.certificate().is_none() {
        return verdict;
    }
    match certificate_pdf(&credential) {
        Ok(expected) if expected == pdf => verdict,
        Ok(_) => Verdict::NotGenuine(
            "the file was changed after it was issued: its signed record is genuine, but the page is not the one issued with it".into(),
        ),
        Err(e) => Verdict::NotGenuine(e.to_string()),
    }
}

/// Checks a typed verification code: a code that does not add up, or that this laptop did
/// not issue or receive, is not genuine.
pub fn check_code(store: &Store, code: &str, keys: &[KeySet]) -> ActionResult<Verdict> {
    let code = match VerificationCode::parse(code) {
        Ok(code) => code,
        Err(e) => return Ok(Verdict::NotGenuine(e.to_string())),
    };
    let Some(issued) = store.certificate_by_code(&code.to_string())? else {
        return Ok(Verdict::NotGenuine(
            "no certificate has this code".to_owned(),
        ));
    };
    let credential: Value = serde_json::from_str(&issued.credential).map_err(certificate_error)?;
    Ok(check_credential(Some(store), &credential, keys))
}

/// One line of a wave's list of certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertificateSummary {
    pub number: String,
    pub code: String,
    /// The participant's roster id, as `hours summary` names them.
    pub participant_id: String,
    pub participant_name: String,
    pub minutes: u32,
    pub issued_at: String,
    pub revoked: Option<String>,
}

/// Every certificate issued to a wave's participants, by name, each person's oldest first.
pub fn wave_certificates(store: &Store, wave_id: Id) -> ActionResult<Vec<CertificateSummary>> {
    let roster_ids: std::collections::HashMap<Id, String> = store
        .participants(wave_id)?
        .into_iter()
        .map(|p| (p.id, p.record.external_id))
        .collect();
    store
        .wave_certificates(wave_id)?
        .into_iter()
        .map(|issued| {
            let credential: Value =
                serde_json::from_str(&issued.credential).map_err(certificate_error)?;
            let certificate = credential::read(&credential).map_err(certificate_error)?;
            Ok(CertificateSummary {
                number: issued.number,
                code: issued.code,
                participant_id: roster_ids
                    .get(&issued.participant_id)
                    .cloned()
                    .unwrap_or_default(),
                participant_name: certificate.facts.participant_name,
                minutes: certificate.facts.minutes,
                issued_at: issued.issued_at,
                revoked: issued.revocation.map(|r| r.reason),
            })
        })
        .collect::<ActionResult<Vec<_>>>()
        .map(|mut list| {
            list.sort_by(|a, b| {
                (a.participant_name.to_lowercase(), &a.issued_at)
                    .cmp(&(b.participant_name.to_lowercase(), &b.issued_at))
            });
            list
        })
}

/// Certificates a wave's export signs, records and lays out at a time: enough to keep
/// every core busy, few enough that progress moves and a cancel is soon heard.
const WAVE_CHUNK: usize = 32;

/// Who a wave's export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum WaveSelection {
    /// Everyone with verified hours.
    Verified,
    /// Only those who reached a milestone.
    Milestone,
}

/// What a wave's export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaveExport {
    /// Certificates written.
    pub written: u32,
    /// Of them, issued by this export (the rest were unchanged since they were issued).
    pub newly_issued: u32,
    /// Participants left out: no verified hours, or no milestone when only those count.
    pub skipped: u32,
    /// Stopped when asked to: the certificates written so far stay issued.
    pub cancelled: bool,
    /// Where they were written.
    pub path: String,
}

/// Where a wave's certificates go: a folder, or a ZIP when the path ends in `.zip`.
enum Sink {
    Folder(std::path::PathBuf),
    Zip {
        partial: std::path::PathBuf,
        writer: Box<zip::ZipWriter<std::fs::File>>,
    },
}

impl Sink {
    fn open(out: &std::path::Path) -> ActionResult<Sink> {
        let is_zip = out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if !is_zip {
            std::fs::create_dir_all(out).map_err(|e| ActionError::file(out, e))?;
            return Ok(Sink::Folder(out.to_owned()));
        }
        // Written beside its place and moved there when complete: a cancelled or failed
        // export leaves no half ZIP behind.
        let partial = out.with_extension("zip.partial");
        let file = std::fs::File::create(&partial).map_err(|e| ActionError::file(&partial, e))?;
        Ok(Sink::Zip {
            partial,
            writer: Box::new(zip::ZipWriter::new(file)),
        })
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> ActionResult<()> {
        match self {
            Sink::Folder(folder) => crate::export::write_file(&folder.join(name), bytes),
            Sink::Zip { partial, writer } => {
                use std::io::Write;
                // PDFs are compressed already; stored entries are written at disk speed.
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored);
                writer
                    .start_file(name, options)
                    .map_err(|e| ActionError::file(partial, std::io::Error::other(e)))?;
                writer
                    .write_all(bytes)
                    .map_err(|e| ActionError::file(partial, e))
            }
        }
    }

    fn finish(self, out: &std::path::Path, keep: bool) -> ActionResult<()> {
        match self {
            Sink::Folder(_) => Ok(()),
            Sink::Zip { partial, writer } => {
                let file = writer
                    .finish()
                    .map_err(|e| ActionError::file(&partial, std::io::Error::other(e)))?;
                file.sync_all()
                    .map_err(|e| ActionError::file(&partial, e))?;
                if keep {
                    std::fs::rename(&partial, out).map_err(|e| ActionError::file(out, e))
                } else {
                    std::fs::remove_file(&partial).map_err(|e| ActionError::file(&partial, e))
                }
            }
        }
    }
}

/// Exports the certificates of a wave's participants to `out` (a folder, or a ZIP), one
/// `PARTICIPANT_ID.pdf` each (the roster id). `progress(done, total)` is told after each one and may
/// answer `false` to stop; a ZIP is then not written, a folder keeps what was written.
pub fn export_wave_certificates(
    store: &mut Store,
    wave_id: Id,
    selection: WaveSelection,
    out: &std::path::Path,
    operator: &Operator,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> ActionResult<WaveExport> {
    let participants = store.wave_hours(wave_id)?;
    store.note(AuditAction::Export, "wave", &wave_id.to_string())?;
    let chosen: Vec<(Id, String)> = participants
        .iter()
        .filter(|p| p.totals.verified_minutes > 0)
        .filter(|p| {
            selection == WaveSelection::Verified
                || p.milestones.iter().any(|m| m.reached_on.is_some())
        })
        .map(|p| (p.participant_id, p.external_id.clone()))
        .collect();
    let total = chosen.len() as u32;
    let mut sink = Sink::open(out)?;
    progress(0, total);
    let mut report = WaveExport {
        written: 0,
        newly_issued: 0,
        skipped: participants.len() as u32 - total,
        cancelled: false,
        path: out.display().to_string(),
    };
    let written = (|| -> ActionResult<()> {
        for chunk in chosen.chunks(WAVE_CHUNK) {
            let ids: Vec<Id> = chunk.iter().map(|(id, _)| *id).collect();
            let exports = export_batch(store, &ids, operator)?;
            for (export, (_, roster_id)) in exports.iter().zip(chunk) {
                let name = format!("{}.pdf", crate::export::safe_file_name(roster_id));
                sink.add(&name, &export.file.bytes)?;
                report.written += 1;
                report.newly_issued += u32::from(export.newly_issued);
                if !progress(report.written, total) && report.written < total {
                    report.cancelled = true;
                    return Ok(());
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = sink.finish(out, false);
        return Err(e);
    }
    let keep = !report.cancelled;
    sink.finish(out, keep)?;
    Ok(report)
}

/// How far a wave's export has come, for the app's progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportProgress {
    pub running: bool,
    pub done: u32,
    pub total: u32,
}

/// A wave's export in progress, shared with whoever follows or stops it (the app's progress
/// and cancel commands, which do not wait for the database).
#[derive(Debug, Default)]
pub struct Exporting {
    running: std::sync::atomic::AtomicBool,
    cancel: std::sync::atomic::AtomicBool,
    done: std::sync::atomic::AtomicU32,
    total: std::sync::atomic::AtomicU32,
}

impl Exporting {
    /// Asks the running export to stop after the certificate it is writing.
    pub fn cancel(&self) {
        self.cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn progress(&self) -> ExportProgress {
        use std::sync::atomic::Ordering::Relaxed;
        ExportProgress {
            running: self.running.load(Relaxed),
            done: self.done.load(Relaxed),
            total: self.total.load(Relaxed),
        }
    }

    /// Runs `export` with this as its progress and cancel.
    pub fn follow<T>(&self, export: impl FnOnce(&mut dyn FnMut(u32, u32) -> bool) -> T) -> T {
        use std::sync::atomic::Ordering::Relaxed;
        self.cancel.store(false, Relaxed);
        self.done.store(0, Relaxed);
        self.total.store(0, Relaxed);
        self.running.store(true, Relaxed);
        let outcome = export(&mut |done, total| {
            self.done.store(done, Relaxed);
            self.total.store(total, Relaxed);
            !self.cancel.load(Relaxed)
        });
        self.running.store(false, Relaxed);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    /// A certificate's file must be exactly what `certificate_pdf` makes from its credential
    /// (that is how an edited page is caught), so any change to what it makes (the layout,
    /// the fonts, krilla or another crate it draws with) would turn every certificate
    /// already issued into "not genuine". This pins the bytes of one certificate: if it
    /// fails, keep the old rendering for the credentials issued under it before changing it.
    #[test]
    fn a_change_to_the_certificate_page_is_caught_before_it_breaks_issued_pdfs() {
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        let facts = Facts {
            organisation: "Peak Youth Trust".into(),
            participant_name: "Amira Okafor".into(),
            programme: "HeadStart Derbyshire".into(),
            wave: "Summer 2027".into(),
            minutes: 1155,
            first_day: day(7, 5),
            last_day: day(8, 20),
            by_organisation: vec![OrganisationMinutes {
                name: "Bakewell Food Bank".into(),
                minutes: 1155,
            }],
            milestones: vec![Reached {
                name: "16 hours completed — Guaranteed interview".into(),
                reached_on: day(8, 14),
            }],
        };
        let key = SigningKey::from_bytes(&[42; 32]);
        let issuer = Issuer {
            id: did_web("https://hub.peakyouth.example").unwrap(),
            verification_method: format!(
                "{}#{}",
                did_web("https://hub.peakyouth.example").unwrap(),
                key_fragment(&key.verifying_key())
            ),
            url: Some("https://hub.peakyouth.example".into()),
        };
        let issued = mixwell_certificates::issue::issue(
            &facts,
            &issuer,
            &key,
            Utc.with_ymd_and_hms(2027, 8, 21, 9, 30, 0).unwrap(),
            0,
            Some(StatusEntry {
                list: "https://hub.peakyouth.example/certificates/status/d".into(),
                index: 3,
            }),
            &Contexts::bundled(),
        )
        .unwrap();
        let pdf = certificate_pdf(&issued.credential).unwrap();
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(&pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest, "2e9acd18b2d7d8b13b068c51374d61cf18bc446f582435cf35a5d2aa89aa3dc5",
            "the certificate page changed"
        );
    }
}

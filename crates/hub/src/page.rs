//! The verification page an employer opens from a certificate's QR code or types a code
//! into: plain HTML made here, every value from the signed credential escaped, no script.

use mixwell_certificates::credential::Certificate;
use mixwell_certificates::verify::Verdict;
use mixwell_domain::hours::{hours_and_minutes, london_date, uk_date};

/// Text as HTML: the five characters that could open markup written as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn query(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f23;line-height:1.45}\
h1{font-size:1.5rem}.verdict{font-size:1.4rem;font-weight:700;padding:.6rem 1rem;border-radius:6px}\
.genuine{background:#e6f4ea;color:#0b6b2b}.revoked,.not-genuine{background:#fdecea;color:#a1261b}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#555b61}dd{margin:0}\
form{margin:1.5rem 0}input{font:inherit;padding:.4rem;width:14rem;text-transform:uppercase}\
button{font:inherit;padding:.4rem .9rem}.hint{color:#555b61;font-size:.9rem}a{color:#1f5f8b}";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

/// The form for typing a code, with what went wrong last, if anything.
pub fn form(problem: Option<&str>, typed: &str) -> String {
    let problem = problem
        .map(|p| {
            format!(
                "<p class=\"verdict not-genuine\" role=\"alert\">{}</p>",
                escape(p)
            )
        })
        .unwrap_or_default();
    document(
        "Check a volunteering certificate",
        &format!(
            "<h1>Check a volunteering certificate</h1>{problem}\
<form method=\"get\" action=\"/verify\"><label>Verification code \
<input name=\"code\" value=\"{}\" autocomplete=\"off\" placeholder=\"XXXX-XXXX-XXXX-X\" required></label> \
<button type=\"submit\">Check</button></form>\
<p class=\"hint\">The code is printed at the foot of the certificate. Capitals or not, with or without the dashes.</p>",
            escape(typed)
        ),
    )
}

/// The page for a checked code: the verdict, and what the signed credential states.
pub fn verdict(check: &Verdict, code: &str, page_url: &str) -> String {
    let (class, word) = match check {
        Verdict::Genuine(_) => ("genuine", "Genuine"),
        Verdict::Revoked(..) => ("revoked", "Revoked"),
        Verdict::NotGenuine(_) => ("not-genuine", "Not genuine"),
    };
    let mut body = format!(
        "<h1>Volunteering certificate</h1><p class=\"verdict {class}\" data-verdict=\"{class}\">{word}</p>"
    );
    match check {
        Verdict::Revoked(_, revocation) => body.push_str(&format!(
            "<p>The organisation revoked this certificate on {}: {}</p>",
            uk_date(london_date(revocation.revoked_at)),
            escape(&revocation.reason)
        )),
        Verdict::NotGenuine(why) => body.push_str(&format!(
            "<p>{}.</p><p class=\"hint\">Check the code against the certificate; if it is right, the certificate was not issued by this organisation as it stands.</p>",
            escape(why.trim_end_matches('.'))
        )),
        Verdict::Genuine(_) => {}
    }
    if let Some(certificate) = check.certificate() {
        body.push_str(&details(certificate));
        if matches!(check, Verdict::Genuine(_)) {
            body.push_str(&format!(
                "<p><a href=\"{}\" rel=\"noopener\">Add to LinkedIn profile</a> · \
<a href=\"/verify/{code}/credential.json\">The signed credential (JSON)</a> · \
<a href=\"/verify/{code}/badge.png\">The badge for a digital wallet (PNG)</a></p>",
                escape(&linkedin(certificate, page_url)),
                code = escape(code)
            ));
        }
    }
    body.push_str(
        "<form method=\"get\" action=\"/verify\"><label>Check another code \
<input name=\"code\" autocomplete=\"off\" placeholder=\"XXXX-XXXX-XXXX-X\" required></label> \
<button type=\"submit\">Check</button></form>",
    );
    document(&format!("Volunteering certificate: {word}"), &body)
}

fn details(c: &Certificate) -> String {
    let f = &c.facts;
    let mut rows = vec![
        ("Name", escape(&f.participant_name)),
        ("Verified hours", escape(&hours_and_minutes(f.minutes))),
        (
            "Period",
            format!("{} to {}", uk_date(f.first_day), uk_date(f.last_day)),
        ),
        (
            "Programme",
            format!("{} ({})", escape(&f.programme), escape(&f.wave)),
        ),
        ("Issued by", escape(&f.organisation)),
        ("Issued on", uk_date(london_date(c.issued_at))),
        ("Certificate number", escape(&c.number)),
    ];
    if !f.by_organisation.is_empty() {
        rows.push((
            "Volunteered with",
            f.by_organisation
                .iter()
                .map(|o| format!("{}: {}", escape(&o.name), hours_and_minutes(o.minutes)))
                .collect::<Vec<_>>()
                .join("<br>"),
        ));
    }
    if !f.milestones.is_empty() {
        rows.push((
            "Milestones",
            f.milestones
                .iter()
                .map(|m| format!("{}, {}", escape(&m.name), uk_date(m.reached_on)))
                .collect::<Vec<_>>()
                .join("<br>"),
        ));
    }
    let rows: String = rows
        .into_iter()
        .map(|(k, v)| format!("<dt>{k}</dt><dd>{v}</dd>"))
        .collect();
    format!("<dl>{rows}</dl>")
}

/// LinkedIn's "add licence or certification" address, filled in from the certificate.
fn linkedin(c: &Certificate, page_url: &str) -> String {
    let issued = london_date(c.issued_at);
    format!(
        "https://www.linkedin.com/profile/add?{}",
        query(&[
            ("startTask", "CERTIFICATION_NAME".into()),
            (
                "name",
                format!(
                    "Volunteering: {} ({})",
                    c.facts.programme,
                    hours_and_minutes(c.facts.minutes)
                ),
            ),
            ("organizationName", c.facts.organisation.clone()),
            ("issueYear", chrono::Datelike::year(&issued).to_string()),
            ("issueMonth", chrono::Datelike::month(&issued).to_string()),
            ("certUrl", page_url.to_owned()),
            ("certId", c.number.clone()),
        ])
    )
}

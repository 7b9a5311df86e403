//! A value about a young person that must never reach a log, a panic message or an error
//! text by accident: its `Debug` and `Display` print `‹redacted›`. The value is read with
//! [`Sensitive::expose`], which says at the call site that it is meant.

/// Wraps personal data (a name, a background, a date of birth).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Sensitive<T> {
        Sensitive(value)
    }

    /// The value itself, for the screen or the file it is meant for.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

pub const REDACTED: &str = "‹redacted›";

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_debug_nor_display_shows_the_value() {
        let faith = Sensitive::new("Quaker".to_owned());
        assert_eq!(
            format!("{faith:?} {faith} {:#?}", faith),
            "‹redacted› ‹redacted› ‹redacted›"
        );
        assert_eq!(faith.expose(), "Quaker");
    }
}

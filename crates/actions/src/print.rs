//! Paper: what every printout says about where and when it was made.

use mixwell_store::Store;

/// "Site · printed 21/07/2027", dated by the store's today (Europe/London), so a printout
/// and every other date an action writes come from the one injected clock.
pub fn printed_subtitle(store: &Store, site: &str) -> String {
    mixwell_print::printed_subtitle(site, store.today())
}

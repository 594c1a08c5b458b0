//! What protects the intake form without knowing anything about its visitors: a stateless
//! signed token instead of a CSRF cookie, and rate limits whose counters are keyed by a keyed
//! hash of the peer address, held in memory only and forgotten every hour.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;

use crate::web::peer::PeerHasher;

/// How long a form's token stays valid: long enough to write a story slowly.
pub const TOKEN_LIFETIME_SECS: u64 = 24 * 60 * 60;

/// Signs and checks form tokens with a key made at start and never stored. A restart makes
/// open forms expire; the form then comes back with everything typed kept.
pub struct Signer {
    key: [u8; 32],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer { .. }")
    }
}

impl Default for Signer {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self { key }
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Signer {
    fn mac(&self, purpose: &str, issued: u64, nonce: u64) -> String {
        let mut hasher = blake3::Hasher::new_keyed(&self.key);
        hasher.update(purpose.as_bytes());
        hasher.update(&[0]);
        hasher.update(&issued.to_be_bytes());
        hasher.update(&nonce.to_be_bytes());
        hasher.finalize().to_hex()[..32].to_owned()
    }

    /// A token for a form of `purpose` (`offer`, `status`). Each is different (a random
    /// nonce), so that each can be used once.
    pub fn issue(&self, purpose: &str) -> String {
        let issued = now_secs();
        let nonce = rand::rng().next_u64();
        format!("{issued:08x}.{nonce:016x}.{}", self.mac(purpose, issued, nonce))
    }

    /// Whether `token` was issued here for `purpose` within its lifetime.
    pub fn check(&self, purpose: &str, token: &str) -> bool {
        use subtle::ConstantTimeEq;
        let mut parts = token.splitn(3, '.');
        let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return false };
        let (Ok(issued), Ok(nonce)) = (u64::from_str_radix(issued, 16), u64::from_str_radix(nonce, 16)) else {
            return false;
        };
        let now = now_secs();
        if issued > now + 60 || now.saturating_sub(issued) > TOKEN_LIFETIME_SECS {
            return false;
        }
        self.mac(purpose, issued, nonce).as_bytes().ct_eq(mac.as_bytes()).into()
    }
}

/// Form tokens already used, each kept until it would have expired anyway: a token admits one
/// form only. Only tokens that passed the rate limits are kept, so the set holds at most the
/// hourly caps times the hours of a token's lifetime; `capacity` is a backstop beyond that.
pub struct UsedTokens {
    seen: Mutex<HashMap<[u8; 16], Instant>>,
    capacity: usize,
}

impl std::fmt::Debug for UsedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsedTokens").field("capacity", &self.capacity).finish_non_exhaustive()
    }
}

impl UsedTokens {
    /// Room for `capacity` live tokens.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { seen: Mutex::new(HashMap::new()), capacity }
    }

    fn key(token: &str) -> [u8; 16] {
        let mut key = [0u8; 16];
        key.copy_from_slice(&blake3::hash(token.as_bytes()).as_bytes()[..16]);
        key
    }

    /// Marks `token` used. `false` when it was used already, or (failing closed) when the set
    /// is full of live tokens.
    pub fn take(&self, token: &str) -> bool {
        let Ok(mut seen) = self.seen.lock() else { return false };
        let lifetime = Duration::from_secs(TOKEN_LIFETIME_SECS + 60);
        if seen.len() >= self.capacity {
            seen.retain(|_, used| used.elapsed() <= lifetime);
            if seen.len() >= self.capacity {
                return false;
            }
        }
        seen.insert(Self::key(token), Instant::now()).is_none()
    }

    /// Whether `token` was used already (and is remembered as used).
    pub fn was_used(&self, token: &str) -> bool {
        self.seen.lock().is_ok_and(|seen| seen.contains_key(&Self::key(token)))
    }

    /// Makes a token usable again (its form was refused by a rate limit before anything was done).
    pub fn give_back(&self, token: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(&Self::key(token));
        }
    }
}

/// Counts requests per peer and in total over a fixed window.
pub struct RateLimit {
    peers: PeerHasher,
    per_peer: u32,
    total: u32,
    window: Duration,
    counts: Mutex<Counts>,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit").field("per_peer", &self.per_peer).field("total", &self.total).finish()
    }
}

struct Counts {
    started: Instant,
    total: u32,
    peers: HashMap<[u8; 16], u32>,
}

impl RateLimit {
    /// At most `per_peer` requests from one peer and `total` from everyone per hour.
    pub fn per_hour(per_peer: u32, total: u32) -> Self {
        Self {
            peers: PeerHasher::default(),
            per_peer,
            total,
            window: Duration::from_secs(3600),
            counts: Mutex::new(Counts { started: Instant::now(), total: 0, peers: HashMap::new() }),
        }
    }

    /// How long until the current window ends and the counts start again.
    pub fn retry_after(&self) -> Duration {
        let Ok(counts) = self.counts.lock() else { return self.window };
        self.window.saturating_sub(counts.started.elapsed())
    }

    /// Counts a request; `false` when it is over a limit.
    pub fn allow(&self, peer: Option<IpAddr>) -> bool {
        let key = self.peers.key(peer);
        let Ok(mut counts) = self.counts.lock() else { return false };
        if counts.started.elapsed() >= self.window {
            counts.started = Instant::now();
            counts.total = 0;
            counts.peers.clear();
        }
        if counts.total >= self.total {
            return false;
        }
        let mine = counts.peers.entry(key).or_insert(0);
        if *mine >= self.per_peer {
            return false;
        }
        *mine += 1;
        counts.total += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_their_purpose_and_key() {
        let signer = Signer::default();
        let token = signer.issue("offer");
        assert!(signer.check("offer", &token));
        assert!(!signer.check("status", &token));
        assert!(!Signer::default().check("offer", &token));
        assert!(!signer.check("offer", "0.0"));
        assert!(!signer.check("offer", ""));
        let old = format!("{:x}.{:x}.{}", 1_000, 7, signer.mac("offer", 1_000, 7));
        assert!(!signer.check("offer", &old), "expired tokens are refused");
        assert_ne!(signer.issue("offer"), signer.issue("offer"), "every token is different");
    }

    #[test]
    fn every_token_has_the_same_length() {
        // A padded status page is as long as its token: a nonce with fewer hex digits would
        // make two answers differ in size for no reason but chance.
        let signer = Signer::default();
        let lengths: std::collections::BTreeSet<usize> = (0..2_000).map(|_| signer.issue("status").len()).collect();
        assert_eq!(lengths.len(), 1, "{lengths:?}");
    }

    #[test]
    fn a_token_is_taken_once_and_a_full_set_refuses() {
        let used = UsedTokens::with_capacity(2);
        assert!(used.take("a"));
        assert!(!used.take("a"), "used once");
        used.give_back("a");
        assert!(used.take("a"), "given back");
        assert!(used.take("b"));
        assert!(!used.take("c"), "full of live tokens: refused, not forgotten");
        assert!(!used.take("a"));
    }

    #[test]
    fn one_peer_over_its_limit_leaves_others_and_the_global_cap_holds() {
        let limit = RateLimit::per_hour(2, 5);
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        let b = Some(IpAddr::from([10, 0, 0, 2]));
        assert!(limit.allow(a));
        assert!(limit.allow(a));
        assert!(!limit.allow(a));
        assert!(limit.allow(b));
        assert!(limit.allow(None));
        assert!(limit.allow(Some(IpAddr::from([10, 0, 0, 3]))));
        assert!(!limit.allow(Some(IpAddr::from([10, 0, 0, 4]))), "the global cap");
    }
}

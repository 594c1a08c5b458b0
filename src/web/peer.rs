//! The peer of a request, as far as zbor ever looks at it: an address that is never stored
//! nor logged, only turned into a keyed hash for counters held in memory.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use rand::RngCore;

/// The peer's address as the socket saw it, if the server was started with it. Never stored,
/// never logged; only [`RateLimit`] looks at it, through a keyed hash. Forwarding headers are
/// deliberately ignored: they can be forged, and behind a proxy or onion service every peer is
/// the proxy anyway (the global cap covers that case).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// Turns a peer address into a keyed hash, with a key made at start and never stored, so
/// counters in memory never hold an address. One IPv6 visitor usually holds a whole /64.
pub struct PeerHasher {
    key: [u8; 32],
}

impl std::fmt::Debug for PeerHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PeerHasher { .. }")
    }
}

impl Default for PeerHasher {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self { key }
    }
}

impl PeerHasher {
    pub fn key(&self, peer: Option<IpAddr>) -> [u8; 16] {
        let mut hasher = blake3::Hasher::new_keyed(&self.key);
        match peer {
            Some(IpAddr::V4(ip)) => hasher.update(&ip.octets()),
            Some(IpAddr::V6(ip)) => hasher.update(&ip.octets()[..8]),
            None => hasher.update(b"unknown"),
        };
        let mut out = [0u8; 16];
        out.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        out
    }
}

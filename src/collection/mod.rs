//! The domain: objects, makers, events, provenance, accession, media records, publication
//! and search. It knows nothing of HTTP; every face of zbor reads and writes through it.

pub mod audit;
pub mod authorities;
pub mod batch;
pub mod command;
pub mod inventory;
pub mod loans;
pub mod numbers;
pub mod objects;
pub mod provenance;
pub mod public;
pub mod publication;
pub mod register;
pub mod rights;
pub mod search;
pub mod table;
pub mod types;
pub mod whereabouts;

pub use types::*;

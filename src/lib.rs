//! zbor — the collection management system of the Museum of Free Belarus.
//!
//! One binary, three faces (intake form, curator panel, public catalogue) over a
//! domain core. See `README.md` and the design notes for the promises made to donors.

pub mod admin;
pub mod alloc;
pub mod app;
pub mod auth;
pub mod backup;
pub mod catalogue;
pub mod cli;
pub mod collection;
pub mod config;
pub mod cpu;
pub mod db;
pub mod demo;
pub mod donors;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod intake;
pub mod media;
pub mod mirror;
pub mod private;
pub mod web;

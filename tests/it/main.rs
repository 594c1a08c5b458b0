//! One integration-test binary: the app through its router, a real SQLite file per test,
//! real images, and the `zbor` binary itself.

mod accounts;
mod admin;
mod architecture;
mod backup;
mod batch;
mod browser;
mod catalogue;
mod cataloguing;
mod cli;
mod concurrency;
mod donors;
mod faces;
mod faces_scene;
mod helpers;
mod intake;
mod inventory;
mod load;
mod loans;
mod media;
mod migrations;
mod mirror;
mod open_data;
mod redaction;
mod register;
mod rights;
mod seizure;
mod table;

-- One database per service (each service owns its database; no service reads another's tables).
-- Runs once, when the PostgreSQL volume is initialised. "order" is a reserved word, hence the quotes.
CREATE DATABASE customer;
CREATE DATABASE "order";
CREATE DATABASE account;
CREATE DATABASE orchestrator;

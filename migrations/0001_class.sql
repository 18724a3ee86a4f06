-- The class server's schema, one file for SQLite and PostgreSQL alike: ids are random 63-bit
-- numbers made by the server (no AUTOINCREMENT or SERIAL, which the two spell differently),
-- times are milliseconds since 1970, and BYTEA is stored by SQLite as the blob it is given.

CREATE TABLE classes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    teacher_key_hash TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL
);

CREATE TABLE students (
    id BIGINT PRIMARY KEY,
    class_code TEXT NOT NULL REFERENCES classes (code),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    joined_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);
CREATE INDEX students_by_class ON students (class_code);

-- The best result of each student on each level (more stars, then the higher score, then fewer
-- epochs), and every result sent, in order.
CREATE TABLE best_results (
    student_id BIGINT NOT NULL REFERENCES students (id),
    level TEXT NOT NULL,
    stars BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    epochs BIGINT NOT NULL,
    -- Which of the level's stars were earned, one character each ('1' or '0'), so that a game on a
    -- new computer gets back the stars themselves, not only how many.
    earned TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (student_id, level)
);

CREATE TABLE result_history (
    id BIGINT PRIMARY KEY,
    student_id BIGINT NOT NULL REFERENCES students (id),
    level TEXT NOT NULL,
    stars BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    epochs BIGINT NOT NULL,
    sent_ms BIGINT NOT NULL
);
CREATE INDEX result_history_by_student ON result_history (student_id, level);

-- Handed-in work: experiments, recordings and level files, kept in the database so that every
-- server process behind a load balancer sees them.
CREATE TABLE handed_in (
    id BIGINT PRIMARY KEY,
    student_id BIGINT NOT NULL REFERENCES students (id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    sent_ms BIGINT NOT NULL
);
CREATE INDEX handed_in_by_student ON handed_in (student_id);

CREATE TABLE assignments (
    class_code TEXT NOT NULL REFERENCES classes (code),
    level TEXT NOT NULL,
    note TEXT NOT NULL,
    -- The order the teacher gave them in.
    position BIGINT NOT NULL,
    assigned_ms BIGINT NOT NULL,
    PRIMARY KEY (class_code, level)
);

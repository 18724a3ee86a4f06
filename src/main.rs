use std::process::ExitCode;

/// The web has no command line: the game starts (and the CLI stays out of the web build).
#[cfg(target_arch = "wasm32")]
fn main() -> ExitCode {
    neural_sandbox::game::run(Default::default());
    ExitCode::SUCCESS
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    use clap::Parser;
    use neural_sandbox::cli::{
        Cli, Command, GanCommand, LevelsCommand, Outcome, run_bench, run_gan_bench, run_gan_train,
        run_levels_check, run_levels_solve, run_train,
    };
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version as clap prints them; a bad flag's message with its value cut short.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            eprint!(
                "{}",
                neural_sandbox::limits::tidy_message(&e.render().to_string())
            );
            return ExitCode::from(2);
        }
    };
    // A closed standard output fails the first write (exit 1), rather than being ignored.
    let mut stdout: Box<dyn std::io::Write> = if neural_sandbox::cli::standard_output_is_open() {
        Box::new(std::io::stdout())
    } else {
        Box::new(neural_sandbox::cli::ClosedOutput)
    };
    let outcome = match &cli.command {
        Some(Command::Train(args)) => run_train(args, &mut stdout),
        Some(Command::Sweep(args)) => {
            neural_sandbox::cli::sweep_shard::run_sweep(args, &mut stdout)
        }
        Some(Command::Bench(args)) => run_bench(args, &mut stdout),
        Some(Command::Levels(LevelsCommand::Check { dir })) => run_levels_check(dir, &mut stdout),
        Some(Command::Levels(LevelsCommand::Solve { dir })) => run_levels_solve(dir, &mut stdout),
        Some(Command::Gan(GanCommand::Train(args))) => run_gan_train(args, &mut stdout),
        Some(Command::Gan(GanCommand::Bench(args))) => run_gan_bench(args, &mut stdout),
        Some(Command::Cnn(command)) => neural_sandbox::cli::cnn::run(command, &mut stdout),
        #[cfg(feature = "server")]
        Some(Command::Serve(args)) => neural_sandbox::server::run_serve(args, &mut stdout)
            .map_or_else(Outcome::from, |()| Outcome::Done),
        #[cfg(feature = "server")]
        Some(Command::ClassBench(args)) => {
            neural_sandbox::server::bench::run_class_bench(args, &mut stdout)
                .map_or_else(Outcome::from, |()| Outcome::Done)
        }
        None => play(&cli),
    };
    // A message quotes at most a little of a bad value, however long the value was.
    let tidy = neural_sandbox::limits::tidy_message;
    match outcome {
        Outcome::Done => ExitCode::SUCCESS,
        Outcome::BadInput(message) => {
            eprintln!("error: {}", tidy(&message));
            ExitCode::from(2)
        }
        Outcome::Diverged(message) => {
            eprintln!("{}", tidy(&message));
            ExitCode::from(3)
        }
        Outcome::Failed(message) => {
            eprintln!("error: {}", tidy(&message));
            ExitCode::from(1)
        }
    }
}

#[cfg(all(feature = "game", not(target_arch = "wasm32")))]
fn play(cli: &neural_sandbox::cli::Cli) -> neural_sandbox::cli::Outcome {
    match neural_sandbox::game::run(cli.game.clone()) {
        Ok(()) => neural_sandbox::cli::Outcome::Done,
        Err(bad_option) => neural_sandbox::cli::Outcome::BadInput(bad_option),
    }
}

#[cfg(all(not(feature = "game"), not(target_arch = "wasm32")))]
fn play(_cli: &neural_sandbox::cli::Cli) -> neural_sandbox::cli::Outcome {
    neural_sandbox::cli::Outcome::BadInput(
        "this build has no game (built without the `game` feature); try `neural-sandbox train --help`"
            .into(),
    )
}

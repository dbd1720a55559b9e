"""HumanEval problems and scoring, and the sandbox every generated program runs in."""

//! The findings of the second attack review (issue 18): limits that could be turned against
//! the people they protect, and what was left of the first round.

mod limits;
mod replays;
mod the_rest;

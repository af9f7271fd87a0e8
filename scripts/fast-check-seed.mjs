// Property tests draw from a fixed seed by default, so a test run is reproducible (CI included);
// FC_SEED=<n> picks another, FC_SEED=random explores afresh (fast-check prints the seed of any
// counterexample it finds, to be replayed with FC_SEED=<that seed>).
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261123 : Number(seed) });

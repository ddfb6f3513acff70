/** Header log surface: C2SP signed notes and tlog checkpoints (pure). */
export * from './note.js';
export * from './checkpoint.js';

package io.perfplan.core.tuning;

/**
 * How a search picks configurations.
 * <ul>
 *   <li>{@link #GRID}: every combination of the parameters' grid values, in order, up to the budget;</li>
 *   <li>{@link #RANDOM}: distinct configurations drawn with a seeded generator, each measured {@code repeats} times;</li>
 *   <li>{@link #HALVING}: successive halving: many configurations measured once, the better half measured
 *       again with twice the runs, and so on until the survivors have {@code repeats} runs;</li>
 *   <li>{@link #AUTO}: grid when the whole grid fits the trial budget, else halving when {@code repeats} is
 *       at least 4, else random.</li>
 * </ul>
 */
public enum Strategy { GRID, RANDOM, HALVING, AUTO }

//! The Mersenne Twister (MT19937) as commons-math3's `MersenneTwister`
//! draws from it: seeded with a long as the array of its two halves
//! (`init_by_array`), `nextInt(n)` by its bits stream generator. Spark
//! shuffles arrays with it (`shuffle(array, seed)`).

use crate::java_random::RandomBits;

/// Words of state.
const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A Mersenne Twister and where it is in its state.
#[derive(Debug, Clone)]
pub struct MersenneTwister {
    state: Box<[u32; N]>,
    index: usize,
}

impl MersenneTwister {
    /// The generator of a long seed, as commons-math3's `MersenneTwister(long)`.
    pub fn new(seed: i64) -> Self {
        MersenneTwister::of_key(&[((seed as u64) >> 32) as u32, seed as u32])
    }

    /// The generator of a key of words (`init_by_array`).
    fn of_key(key: &[u32]) -> Self {
        let mut twister = MersenneTwister::of_int(19_650_218);
        let state = &mut twister.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let previous = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = (state[i] ^ previous.wrapping_mul(1_664_525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                state[0] = state[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let previous = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = (state[i] ^ previous.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                state[0] = state[N - 1];
                i = 1;
            }
        }
        state[0] = UPPER_MASK;
        twister
    }

    fn of_int(seed: u32) -> Self {
        let mut state = Box::new([0u32; N]);
        state[0] = seed;
        for i in 1..N {
            state[i] = 1_812_433_253u32.wrapping_mul(state[i - 1] ^ (state[i - 1] >> 30)).wrapping_add(i as u32);
        }
        MersenneTwister { state, index: N }
    }

    fn next_word(&mut self) -> u32 {
        if self.index >= N {
            let twist = |upper: u32, lower: u32, far: u32| {
                let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
                far ^ (y >> 1) ^ if y & 1 == 1 { MATRIX_A } else { 0 }
            };
            for k in 0..N {
                self.state[k] = twist(self.state[k], self.state[(k + 1) % N], self.state[(k + M) % N]);
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// Spark's random permutation of `0..length` (`RandomIndicesGenerator`):
    /// each index in turn swapped with one drawn at or before it.
    pub fn permutation(&mut self, length: usize) -> Vec<usize> {
        let mut indices = vec![0usize; length];
        for i in 0..length {
            let j = self.next_int(i as i32 + 1) as usize;
            if j != i {
                indices[i] = indices[j];
            }
            indices[j] = i;
        }
        indices
    }
}

impl RandomBits for MersenneTwister {
    fn next_bits(&mut self, bits: u32) -> i32 {
        (self.next_word() >> (32 - bits)) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_match_the_reference_generator() {
        // The first outputs of MT19937's reference code for these seeds.
        assert_eq!(MersenneTwister::of_int(5489).next_word(), 3_499_211_612);
        let mut keyed = MersenneTwister::of_key(&[0x123, 0x234, 0x345, 0x456]);
        assert_eq!([keyed.next_word(), keyed.next_word()], [1_067_595_299, 955_945_823]);
    }

    #[test]
    fn permutations_are_sparks() {
        // Spark 4.3: shuffle(array(1, 2, 3), 5) is [3, 1, 2] in partition 0.
        assert_eq!(MersenneTwister::new(5).permutation(3), vec![2, 0, 1]);
    }
}

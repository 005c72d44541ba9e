import FuzzDriver

runFuzzer(fuzzBody)

import FuzzDriver

runFuzzer(fuzzNDJSON)

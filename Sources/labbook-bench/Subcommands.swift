// The subcommands, one file each. Add yours here.
import ArgumentParser

let benchSubcommands: [any ParsableCommand.Type] = [InvokeOverhead.self, BARTBench.self, ELECTRABench.self, YOLOBench.self,
                                                     MaskRCNNBench.self, ServeBench.self, GemmBench.self]

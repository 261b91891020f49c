// What `labbook validate` (and every load) checks beyond keys and types: that the
// handlers and models a book names exist, so a misspelt handler fails before an endpoint
// is created, not as a Failed endpoint minutes into the lab.
import Foundation
import Serving

/// A step that names handlers or models in its arguments.
protocol NamesHandlers {
    /// Handler names as written, with whether each is a model handler or a function handler.
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { get }
    /// `model:` as written.
    var modelArguments: [Arg<String>] { get }
    /// Handler names inside a structure (CreateModel's containers' SAGEMAKER_PROGRAM).
    var embeddedHandlers: [(name: String, location: SourceLocation)] { get }
}

extension NamesHandlers {
    var modelArguments: [Arg<String>] { [] }
    var embeddedHandlers: [(name: String, location: SourceLocation)] { [] }
}

extension LabEngine {
    /// Checks the literal handler and model names of `steps` (and nested ones); names
    /// written as `${...}` are checked when they resolve.
    func checkNames(in steps: [StepSpec], bookDirectory: URL) throws {
        for spec in steps {
            try checkNames(in: spec.step.children, bookDirectory: bookDirectory)
            guard let step = spec.step as? NamesHandlers else { continue }
            for (argument, function) in step.handlerArguments {
                guard let name = argument.literal else { continue }
                let known = function ? handlers.functionHandlerNames : handlers.modelHandlerNames
                if !known.contains(name) {
                    throw LabError.unknown(function ? "function handler" : "handler", name, at: argument.location, known: known)
                }
            }
            for (name, location) in step.embeddedHandlers where !handlers.modelHandlerNames.contains(name) {
                throw LabError.unknown("handler (SAGEMAKER_PROGRAM)", name, at: location, known: handlers.modelHandlerNames)
            }
            for argument in step.modelArguments {
                guard let written = argument.literal else { continue }
                if case .hub = ModelReference(written) { continue }  // downloaded when the step runs
                do { _ = try ModelReference(written).directory(fixtures: fixtures, base: bookDirectory) } catch {
                    throw LabError(argument.location, "\(error)")
                }
            }
        }
    }
}

extension PackageModelStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [(program, false)] }
    var modelArguments: [Arg<String>] { [model] }
}

extension PredictStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [(program, false)] }
    var modelArguments: [Arg<String>] { [model] }
}

extension LocalDeployStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [(program, false)] }
}

extension BuildImageStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [(handler, true)] }
    var modelArguments: [Arg<String>] { [model] }
}

extension InvokeImageLocallyStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [(handler, true)] }
    var modelArguments: [Arg<String>] { [model] }
}

extension CreateModelStep: NamesHandlers {
    var handlerArguments: [(argument: Arg<String>, function: Bool)] { [] }
    var embeddedHandlers: [(name: String, location: SourceLocation)] {
        var containers: [(LabValue, SourceLocation)] = []
        if let primary, let value = primary.literal { containers.append((value, primary.location)) }
        if let list = self.containers, let values = list.literal { containers += values.map { ($0, list.location) } }
        return containers.compactMap { container, location in
            guard let name = container["Environment"]?["SAGEMAKER_PROGRAM"]?.string, !name.contains("${") else { return nil }
            return (name, location)
        }
    }
}

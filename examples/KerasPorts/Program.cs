// Twelve Keras GAN examples ported line by line to Gan.Keras: `KerasPorts <port> [--steps N] [--out DIR] [--seed S]`.
// Each port is a KerasPort subclass in KerasIo/ (keras-io) or KerasGan/ (the Keras-GAN collection); this file only
// finds them and binds the command line. docs/keras-ports.md lists them beside their originals.
using System.Reflection;
using Gan.Keras.Examples;
using Gan.Keras.Examples.KerasPorts;
using Spectre.Console.Cli;

var ports = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => t.IsSubclassOf(typeof(KerasPort)) && !t.IsAbstract)
    .Select(t => (KerasPort)Activator.CreateInstance(t)!)
    .OrderBy(p => p.Name, StringComparer.Ordinal)
    .ToArray();

var app = new CommandApp();
app.Configure(config =>
{
    foreach (var port in ports)
        config.AddCommand<PortCommand>(port.Name).WithData(port).WithDescription(port.Description);
});
return CommandLine.Run(app, "KerasPorts", args);

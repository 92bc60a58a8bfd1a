using Gan.Keras.Cli;

return GanCli.Run(args);

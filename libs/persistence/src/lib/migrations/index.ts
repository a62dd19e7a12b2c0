import { MigrationInterface } from 'typeorm';
import { InitialSchema1795420800000 } from './1795420800000-initial-schema';

/** In order of application; every schema change is a new class appended here. */
export const migrations: Array<new () => MigrationInterface> = [InitialSchema1795420800000];
